import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { AudioSourceError } from '../errors.js';
import type { Sniffed } from './sniff.js';
import { which } from './which.js';

export const DECODER_INSTALL_HINT =
  'install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg) or convert the audio to WAV';

export interface DecoderInput {
  /** A file path, or a stream to pipe into the decoder's stdin. */
  path?: string;
  stream?: AsyncIterable<Buffer>;
  sniffed: Sniffed;
  label: string;
}

export interface Decoder {
  /** 16-bit PCM in a WAV container (a pipe, so without sizes), native rate and channels. */
  wav: AsyncIterable<Buffer>;
  /** The decoder's last stderr line: why it produced no audio even when it exited 0 (ffmpeg does). */
  reason(): string;
  stop(): void;
}

/**
 * Decodes any container to 16-bit WAV on a pipe with ffmpeg (preferred: it reads everything, even
 * from stdin) or SoX (files, or stdin whose type we recognised). The WAV header tells us the rate.
 */
export function startDecoder(input: DecoderInput, env: Record<string, string | undefined>): Decoder {
  const ffmpeg = which('ffmpeg', env);
  const sox = which('sox', env);
  const soxType = input.sniffed.kind === 'container' ? input.sniffed.soxType : undefined;
  let command: string;
  let args: string[];
  if (ffmpeg) {
    command = ffmpeg;
    args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', input.path ?? 'pipe:0', '-vn', '-acodec', 'pcm_s16le', '-f', 'wav', 'pipe:1'];
    if (input.stream) args.splice(3, 1); // -nostdin would stop it reading the audio from stdin
  } else if (sox && (soxType || (input.path && input.sniffed.kind === 'unknown'))) {
    command = sox;
    const from = input.path ? [input.path] : ['-t', soxType!, '-'];
    args = ['--no-show-progress', '-V1', ...from, '-t', 'wav', '-e', 'signed-integer', '-b', '16', '-'];
  } else {
    const what = input.sniffed.kind === 'container' ? `${input.sniffed.name} audio` : 'audio that is not WAV';
    const found = sox ? 'SoX cannot read it and ffmpeg is not on PATH' : 'neither ffmpeg nor SoX is on PATH';
    throw new AudioSourceError(`cannot decode ${what} in ${input.label}: ${found}`, DECODER_INSTALL_HINT);
  }
  const child = spawn(command, args, { stdio: [input.stream ? 'pipe' : 'ignore', 'pipe', 'pipe'], env });
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
      const reason = stderr().trim().split('\n').pop() || `exit status ${code}`;
      throw new AudioSourceError(`could not decode ${input.label} with ${name}: ${reason}`, 'check that the file is an audio file and not damaged');
    }
  }
  return {
    wav: wav(),
    reason: () => stderr().trim().split('\n').pop() ?? '',
    stop() {
      stopped = true;
      child.kill('SIGTERM');
    },
  };
}

function collectTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    tail = (tail + text).slice(-4000);
  });
  return () => tail;
}
