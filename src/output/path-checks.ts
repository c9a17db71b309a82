import { closeSync, constants, lstatSync, openSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isatty } from 'node:tty';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** What a path names: an existing file (by device and inode), or where a new one would go. */
type Identity = { stats: Stats; key: string } | { stats?: undefined; key: string };

function identityOf(path: string): Identity {
  try {
    const stats = statSync(path);
    return { stats, key: `${stats.dev}:${stats.ino}` };
  } catch {
    // Not there yet: the resolved directory and the name stand for the file it will be; opening a
    // dangling symlink creates its target, so that is the file it will be.
    path = danglingTarget(path);
    let directory = resolve(dirname(path));
    try {
      directory = realpathSync(directory);
    } catch {
      /* the directory is missing too: opening will say so */
    }
    return { key: `new:${join(directory, basename(path))}` };
  }
}

/** Where a chain of symlinks ends (the path itself when it is no symlink); a loop ends where it was given up on. */
function danglingTarget(path: string): string {
  for (let hops = 0; hops < 40; hops += 1) {
    try {
      if (!lstatSync(path).isSymbolicLink()) return path;
      path = resolve(dirname(path), readlinkSync(path));
    } catch {
      return path;
    }
  }
  return path;
}

interface Target {
  flag: '--output' | '--save-audio';
  path: string;
  identity: Identity;
}

/**
 * Refuses (exit 2), before anything is opened, outputs that would destroy the input or each other,
 * outputs that cannot work (a named pipe: opening it waits for a reader; a socket), and an
 * existing --save-audio file without --force.
 * `input` is the audio file (undefined for the microphone or stdin).
 */
export function checkOutputPaths(settings: { output?: string | undefined; saveAudio?: string | undefined; force: boolean }, input?: string): void {
  const targets: Target[] = [];
  if (settings.output) targets.push({ flag: '--output', path: settings.output, identity: identityOf(settings.output) });
  if (settings.saveAudio) targets.push({ flag: '--save-audio', path: settings.saveAudio, identity: identityOf(settings.saveAudio) });
  const source = input && input !== '-' ? identityOf(input) : undefined;
  for (const { flag, path, identity } of targets) {
    if (source?.stats && identity.key === source.key) {
      throw new UsageError(`${flag} ${path} is the input file: writing it would destroy the recording`, `choose another name for ${flag}`);
    }
    if (identity.stats?.isSocket()) throw new UsageError(`${flag} ${path} is a socket, not a file`, `give ${flag} the name of a file`);
    if (identity.stats?.isFIFO()) {
      if (flag === '--save-audio')
        throw new UsageError(`--save-audio ${path} is a pipe: a WAV file's header is rewritten as it grows`, 'give --save-audio the name of a .wav file');
      if (isNamedPipe(path))
        throw new UsageError(`--output ${path} is a named pipe: opening it would wait for a reader`, 'leave out --output and pipe stdout instead');
    }
  }
  const [first, second] = targets;
  if (first && second && first.identity.key === second.identity.key && !first.identity.stats?.isCharacterDevice()) {
    throw new UsageError(`--output and --save-audio name the same file (${second.path})`, 'give them different names');
  }
  const audio = targets.find((target) => target.flag === '--save-audio');
  // Without --output the transcript goes to stdout: redirected into the recording (`> rec.wav`), it would be written into its audio.
  const stdout = settings.output ? undefined : identityOf('/dev/stdout');
  if (audio && stdout?.stats?.isFile() && audio.identity.key === stdout.key)
    throw new UsageError(
      `--save-audio ${audio.path} is where stdout goes: the transcript would be written into the recording`,
      'give --save-audio another name, or the transcript --output',
    );
  // A recording is replaced only when asked (a device such as /dev/null is written in place).
  if (audio?.identity.stats?.isFile() && !settings.force)
    throw new UsageError(`${audio.path} exists`, 'add --force to replace it, or choose another --save-audio');
}

/**
 * A pipe with a name in the file system (mkfifo), not one already open such as /dev/stdout in a
 * pipeline (whose real path, /proc/<pid>/fd/pipe:[n], is no file). Probing by opening it would
 * give its reader an end of file.
 */
function isNamedPipe(path: string): boolean {
  try {
    return statSync(realpathSync(path)).isFIFO();
  } catch {
    return false;
  }
}

/**
 * Whether `path` is a terminal (`/dev/tty`, `/dev/stdout` on one): the lines written there are
 * already on the screen. Only a character device is opened to ask, never as our controlling terminal.
 */
export function isTerminalPath(path: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(path).isCharacterDevice()) return false;
    fd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
    return isatty(fd);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
