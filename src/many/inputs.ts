import { createHash } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, normalize, sep } from 'node:path';
import { readHead } from '../audio/input-file.js';
import { sniff, SNIFF_BYTES } from '../audio/sniff.js';
import { UsageError } from '../errors.js';
import { compileFilter, type PathFilter } from './glob.js';

/** One input file, and where its transcript goes under --output-dir (without the format's extension). */
export interface Input {
  path: string;
  relative: string;
}

/** Names that say "audio" without opening the file; any other file in a directory is sniffed. */
const AUDIO_EXTENSIONS = new Set(
  'wav wave mp3 mp2 flac ogg oga opus m4a m4b mp4 aac webm mka mkv wma aif aiff aifc caf amr 3gp mov'.split(' ').map((ext) => `.${ext}`),
);

async function isAudio(path: string): Promise<boolean> {
  if (AUDIO_EXTENSIONS.has(extname(path).toLowerCase())) return true;
  try {
    return sniff(await readHead(path, SNIFF_BYTES)).kind !== 'unknown';
  } catch {
    return false; // unreadable: not taken from a directory (a named file still fails, with its reason)
  }
}

export interface CollectOptions extends PathFilter {
  /** Never searched: the transcripts are not inputs. */
  outputDir: string;
}

/**
 * The inputs named (files, directories searched recursively for audio, in name order; hidden
 * entries and symlinked directories are skipped), filtered by --include/--exclude. A named path
 * that does not exist stays an input: transcribing it fails with its reason, like any file.
 */
export async function collectInputs(paths: readonly string[], options: CollectOptions): Promise<Input[]> {
  const take = compileFilter(options);
  const outputDir = await realpath(options.outputDir).catch(() => undefined);
  const inputs: Input[] = [];
  for (const path of paths) {
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isDirectory()) {
      for await (const found of walk(path, '', outputDir)) if (take(found.relative) && (await isAudio(found.path))) inputs.push(found);
    } else {
      const relative = nameFor(path);
      if (take(relative)) inputs.push({ path, relative });
    }
  }
  return refuseCollisions(inputs);
}

/** Where a named file's transcript goes: its relative path (sub/a.wav), or its name when it is outside. */
function nameFor(path: string): string {
  const normal = normalize(path);
  if (isAbsolute(normal) || normal === '..' || normal.startsWith(`..${sep}`)) return basename(normal);
  return normal.split(sep).join('/');
}

async function* walk(root: string, under: string, outputDir: string | undefined): AsyncGenerator<Input> {
  const directory = join(root, under);
  if (outputDir !== undefined && (await realpath(directory).catch(() => '')) === outputDir) return;
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const relative = under ? `${under}/${entry.name}` : entry.name;
    const path = join(root, relative);
    if (entry.isDirectory()) yield* walk(root, relative, outputDir);
    else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())) yield { path, relative };
  }
}

function refuseCollisions(inputs: Input[]): Input[] {
  const seen = new Map<string, string>();
  for (const input of inputs) {
    const other = seen.get(input.relative);
    if (other !== undefined && normalize(other) !== normalize(input.path))
      throw new UsageError(
        `${other} and ${input.path} would both be transcribed to ${input.relative}`,
        'give the directories separately, one --output-dir each, or rename one',
      );
    seen.set(input.relative, input.path);
  }
  // The same file named twice is transcribed once.
  return inputs.filter((input, index) => inputs.findIndex((first) => first.relative === input.relative) === index);
}

/** Paths from `--from -`: one per line (blank lines skipped; a CR before the newline dropped). */
export function parseList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
}

/** Whether an input is in shard k of n: decided by its output path alone, so every machine agrees. */
export function inShard(input: Input, shard: { index: number; count: number }): boolean {
  const hash = createHash('sha256').update(input.relative).digest().readUInt32BE(0);
  return hash % shard.count === shard.index - 1;
}

/** Where to write: `<output dir>/<relative>.<format extension>`. */
export function outputPathOf(input: Input, outputDir: string, extension: string): string {
  return join(outputDir, `${input.relative}.${extension}`);
}

export const FORMAT_EXTENSIONS = { text: 'txt', json: 'ndjson', srt: 'srt', vtt: 'vtt' } as const;
