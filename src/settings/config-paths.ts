import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The config directory: `TRANSCRIBE_CONFIG_DIR`, else the platform's (XDG on Linux:
 * ~/.config/transcribe), the same place `conf` would choose, without its "-nodejs" suffix.
 */
export function configDir(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string {
  if (env.TRANSCRIBE_CONFIG_DIR) return env.TRANSCRIBE_CONFIG_DIR;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', 'transcribe');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'transcribe', 'Config');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'transcribe');
}

export function configFile(dir: string): string {
  return join(dir, 'config.json');
}
