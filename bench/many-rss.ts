// Peak RSS of one many-files run with and without the archive, as `npm run bench -- many` measures it
// (limit 50, --jobs 64) but one run of one size: a quicker look when changing what a run keeps.
//   npx tsc -p tsconfig.bench.json && node dist-bench/bench/many-rss.js [files=2000] [history|no-history|both]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeepgramServer } from '../test/support/deepgram-server/index.js';
import { API_KEY, CLI, cliEnv, fixed, mustSucceed, run } from './lib.js';
import { makeFiles } from './many.js';

const count = Number(process.argv[2] ?? 2000);
const which = process.argv[3] ?? 'both';
const root = mkdtempSync(join(tmpdir(), 'bench-many-rss-'));
try {
  makeFiles(root, count);
  for (const history of which === 'both' ? [true, false] : [which === 'history']) {
    const server = await startDeepgramServer({ apiKey: API_KEY, prerecordedDelayMs: 250, retryAfterSec: null, concurrencyLimit: 50 });
    const out = join(root, `out-${Date.now()}`);
    const timeFile = join(root, 'time.txt');
    try {
      const args = ['-v', '-o', timeFile, 'node', CLI, 'file', join(root, 'in'), '--batch', '--output-dir', out, '--jobs', '64'];
      if (!history) args.push('--no-history');
      const result = mustSucceed('transcribe', await run('/usr/bin/time', args, cliEnv(server.url)));
      const time = readFileSync(timeFile, 'utf8');
      const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(time)?.[1]);
      const rssMb = (field('Maximum resident set size \\(kbytes\\)') * 1024) / 1e6;
      const cpuMs = (field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 1000;
      const what = history ? 'archive' : '--no-history';
      process.stdout.write(
        `${count} files, ${what}: peak RSS ${fixed(rssMb)} MB, ${fixed(result.wallMs / 1000)} s, CPU per file ${fixed(cpuMs / count, 2)} ms\n`,
      );
    } finally {
      await server.close();
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
