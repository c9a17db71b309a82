import { execFileSync } from 'node:child_process';

/** Debian packages that provide the tools the end-to-end tests use. */
const PACKAGES: Record<string, string> = {
  ffmpeg: 'ffmpeg',
  ffprobe: 'ffmpeg',
  sox: 'sox libsox-fmt-all',
  'espeak-ng': 'espeak-ng',
  arecord: 'alsa-utils',
  pulseaudio: 'pulseaudio pulseaudio-utils',
  chromium: 'chromium',
};

export function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * For `describe.skipIf(...)`: true when a tool is missing, after saying how to install it.
 * Under CI (CI set) a missing tool is a failure, never a skip: .ci/run installs them all.
 */
export function missing(...tools: string[]): boolean {
  const absent = tools.filter((tool) => !hasTool(tool));
  if (absent.length === 0) return false;
  const line = `apt-get install -y ${[...new Set(absent.map((tool) => PACKAGES[tool] ?? tool))].join(' ')}`;
  if (process.env.CI) throw new Error(`CI must not skip: ${absent.join(', ')} missing (${line})`);
  console.warn(`skipping tests that need ${absent.join(', ')}: ${line}`);
  return true;
}
