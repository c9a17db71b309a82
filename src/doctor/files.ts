// Local files `doctor` looks at: the config file and the archive. Modes are checked on POSIX only.
import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../archive/paths.js';
import { ExitCode } from '../errors.js';
import { configDir, configFile } from '../settings/config-paths.js';
import { fail, ok, type CheckResult } from './verdict.js';

const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');
/** Readable or writable by anyone but the owner. */
const opened = (stats: Stats) => (stats.mode & 0o077) !== 0;

export function checkConfigFile(env: Record<string, string | undefined>, platform = process.platform): CheckResult {
  const path = configFile(configDir(env, platform));
  const stats = statOf(path);
  if (!stats) return ok('config', `no config file (${path}): settings come from flags and the environment`);
  if (platform !== 'win32' && opened(stats))
    return fail('config', `${path} is mode ${octal(stats.mode)}: others may read the API key in it`, `chmod 600 ${path}`, ExitCode.internal);
  return ok('config', `${path} (mode ${platform === 'win32' ? 'not checked on Windows' : octal(stats.mode)})`);
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

export function checkArchive(env: Record<string, string | undefined>, platform = process.platform): CheckResult {
  const dir = dataDir(env, platform);
  const path = join(dir, 'history.db');
  const dirStats = statOf(dir);
  if (!dirStats) return ok('archive', `none yet (${path} is created by the first session)`);
  if (!dirStats.isDirectory()) return fail('archive', `${dir} is not a directory`, 'move it away, or set TRANSCRIBE_DATA_DIR', ExitCode.internal);
  if (platform !== 'win32' && opened(dirStats))
    return fail('archive', `${dir} is mode ${octal(dirStats.mode)}: others may list the archive`, `chmod 700 ${dir}`, ExitCode.internal);
  const stats = statOf(path);
  if (!stats) return ok('archive', `none yet in ${dir}`);
  if (platform !== 'win32' && opened(stats))
    return fail('archive', `${path} is mode ${octal(stats.mode)}: others may read your transcripts`, `chmod 600 ${path}`, ExitCode.internal);
  const header = Buffer.alloc(SQLITE_HEADER.length);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return fail('archive', `${path} cannot be read (${code})`, `check its owner and mode (chmod 600 ${path})`, ExitCode.internal);
  }
  if (stats.size > 0 && header.toString('latin1') !== SQLITE_HEADER)
    return fail('archive', `${path} is not an SQLite database`, 'move it away: a new archive is created by the next session', ExitCode.internal);
  return ok('archive', `${path} (${(stats.size / 1e6).toFixed(1)} MB, mode ${platform === 'win32' ? 'not checked on Windows' : octal(stats.mode)})`);
}
