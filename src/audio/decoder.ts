import { spawn, type ChildProcess } from 'node:child_process';
import { resolve as absolutePath } from 'node:path';
import { Readable } from 'node:stream';
import { AudioSourceError } from '../errors.js';
import { childEnv } from './child-env.js';
import type { Sniffed } from './sniff.js';
import { which } from './which.js';

export const DECODER_INSTALL_HINT = 'install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg) or convert the audio to WAV';

export interface DecoderInput {
  /** A file path, a stream to pipe into the decoder's stdin, or the descriptor of a seekable (spooled) file to be its stdin. */
  path?: string;
  stream?: AsyncIterable<Buffer>;
  file?: number;
  sniffed: Sniffed;
  label: string;
}

export interface Decoder {
  /** 16-bit PCM in a WAV container (a pipe, so without sizes), native rate and channels. */
  wav: AsyncIterable<Buffer>;
  /** The decoder's last stderr line: why it produced no audio even when it exited 0 (ffmpeg does). */
  reason: () => string;
  stop: () => void;
}

/**
 * The decoder's command line. Paths are only ever files: ffmpeg gets `file:` and the absolute path
 * and may open nothing but files and pipes (a file named `http://host/x.mp3` is not fetched), and
 * SoX gets a path that cannot be taken for an option (`./-x.mp3`).
 */
export function decoderCommand(input: DecoderInput, env: Record<string, string | undefined>): { command: string; args: string[]; input?: string } {
  const ffmpeg = which('ffmpeg', env);
  const sox = which('sox', env);
  const soxType = input.sniffed.kind === 'container' ? input.sniffed.soxType : undefined;
  if (ffmpeg) {
    // A spooled file is its stdin, opened again by name to be seekable (the pipe protocol is not).
    const from = input.file !== undefined ? 'file:/dev/stdin' : input.path === undefined ? 'pipe:0' : `file:${absolutePath(input.path)}`;
    const nostdin = input.stream ? [] : ['-nostdin']; // -nostdin would stop it reading the audio from stdin
    const args = ['-hide_banner', '-loglevel', 'error', ...nostdin, '-protocol_whitelist', 'file,pipe', '-i', from];
    return { command: ffmpeg, args: [...args, '-vn', '-acodec', 'pcm_s16le', '-f', 'wav', 'pipe:1'], input: from };
  }
  if (sox && (soxType || (input.path !== undefined && input.sniffed.kind === 'unknown'))) {
    const from = input.path === undefined ? ['-t', soxType!, '-'] : [input.path.startsWith('-') ? `./${input.path}` : input.path];
    return { command: sox, args: ['--no-show-progress', '-V1', ...from, '-t', 'wav', '-e', 'signed-integer', '-b', '16', '-'] };
  }
  const what = input.sniffed.kind === 'container' ? `${input.sniffed.name} audio` : 'audio that is not WAV';
  const found = sox ? 'SoX cannot read it and ffmpeg is not on PATH' : 'neither ffmpeg nor SoX is on PATH';
  throw new AudioSourceError(`cannot decode ${what} in ${input.label}: ${found}`, DECODER_INSTALL_HINT);
}

/**
 * Decodes any container to 16-bit WAV on a pipe with ffmpeg (preferred: it reads everything, even
 * from stdin) or SoX (files, or stdin whose type we recognised). The WAV header tells us the rate.
 */
export function startDecoder(input: DecoderInput, env: Record<string, string | undefined>): Decoder {
  const { command, args, input: url } = decoderCommand(input, env);
  // ffmpeg names its input in messages: the user's path, not our file: URL.
  const lastLine = () => {
    const line = stderr().trim().split('\n').pop() ?? '';
    return url && url !== 'pipe:0' ? line.split(url).join(input.label) : line;
  };
  const child = spawn(command, args, { stdio: [input.file ?? (input.stream ? 'pipe' : 'ignore'), 'pipe', 'pipe'], env: childEnv(env) });
  const stderr = collectTail(child);
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  if (input.stream && child.stdin) {
    child.stdin.on('error', () => {}); // the decoder may stop reading early (bad data): its exit status reports that
    Readable.from(input.stream).pipe(child.stdin);
  }
  let stopped = false;
  const name = command.split(/[\\/]/).pop();
  async function* wav(): AsyncGenerator<Buffer> {
    yield* child.stdout as AsyncIterable<Buffer>;
    const { code, error } = await exited;
    if (stopped) return;
    if (error) throw new AudioSourceError(`could not start ${name}: ${error.message}`, DECODER_INSTALL_HINT, { cause: error });
    if (code !== 0) {
      if (/does not contain any stream/.test(lastLine())) throw noAudioTrack(input.label);
      const reason = lastLine() || `exit status ${code}`;
      throw new AudioSourceError(`could not decode ${input.label} with ${name}: ${reason}`, 'check that the file is an audio file and not damaged');
    }
  }
  return {
    wav: wav(),
    reason: lastLine,
    stop() {
      stopped = true;
      child.kill('SIGTERM');
    },
  };
}

/** ffmpeg's "Output file does not contain any stream" after -vn: a video without sound. */
function noAudioTrack(label: string): AudioSourceError {
  return new AudioSourceError(`${label} has no audio track: there is nothing to transcribe`, 'check that it is the recording you meant');
}

function collectTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    tail = (tail + text).slice(-4000);
  });
  return () => tail;
}
