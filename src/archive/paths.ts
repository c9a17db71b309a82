import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The data directory: `TRANSCRIBE_DATA_DIR`, else the platform's (XDG on Linux:
 * ~/.local/share/transcribe). The config directory stays for settings only.
 */
export function dataDir(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string {
  if (env.TRANSCRIBE_DATA_DIR) return env.TRANSCRIBE_DATA_DIR;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'transcribe');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'transcribe', 'Data');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'transcribe');
}

/** The archive of every session: one SQLite file. */
export function historyPath(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string {
  return join(dataDir(env, platform), 'history.db');
}
