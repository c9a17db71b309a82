// The archive's writer thread keeps SQLite's WebAssembly on V8's baseline compiler: TurboFan's
// background compiles of SQLite's hot functions were most of what the archive cost a live run
// (docs/performance.md, live CPU). V8 traces each WebAssembly function it compiles and with which tier.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeArgs } from '../../src/archive/event-codec.js';
import type { ArchiveMessage } from '../../src/archive/messages.js';
import type { Utterance } from '../../src/transcript/model.js';
import { ROOT } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

const FINALS = 300;

function final(index: number): Utterance {
  const words = ['the', 'budget', 'meeting', 'moved', 'to', 'thursday', `item${index}`].map((text, at) => ({
    text,
    start: index * 3 + at * 0.3,
    end: index * 3 + at * 0.3 + 0.25,
    confidence: 0.9,
  }));
  return { text: words.map((word) => word.text).join(' '), start: words[0]!.start, end: words.at(-1)!.end, channel: 0, confidence: 0.9, words };
}

/** The built writer thread (dist/archive-worker.js) opens a fresh archive and writes a session of FINALS finals, one batch per final, as a live run posts them. */
const SCRIPT = `
import { Worker } from 'node:worker_threads';
const [path, messages] = JSON.parse(process.argv[1]);
const worker = new Worker(${JSON.stringify(join(ROOT, 'dist/archive-worker.js'))}, { execArgv: [] });
worker.postMessage({ kind: 'open', path });
for (const message of messages) worker.postMessage({ kind: 'messages', messages: [message] });
worker.postMessage({ kind: 'flush', id: 1 });
worker.on('message', (reply) => {
  console.log(JSON.stringify(reply));
  // Give background compiles the time to finish (and be traced) before the thread goes.
  setTimeout(() => void worker.terminate(), 500);
});
`;

describe('the archive writer thread', () => {
  it('compiles SQLite with Liftoff only, never TurboFan, however much it writes', () => {
    const path = join(tempDir('transcribe-archive-cpu-'), 'history.db');
    const messages: ArchiveMessage[] = [
      {
        kind: 'begin',
        session: 0,
        startedAt: '2026-12-02T07:00:00.000Z',
        meta: { command: 'live', mode: 'stream', source: 'default', model: 'nova-3', language: 'en', settings: '{}' },
      },
      ...Array.from({ length: FINALS }, (_, index): ArchiveMessage => ({
        kind: 'event',
        session: 0,
        method: 'final',
        args: encodeArgs('final', [final(index)]),
      })),
      { kind: 'event', session: 0, method: 'close', args: encodeArgs('close', [{ exitCode: 0, reason: 'end', audioSeconds: FINALS * 3 }]) },
    ];
    const run = spawnSync(process.execPath, ['--trace-wasm-compilation-times', '--input-type=module', '-e', SCRIPT, JSON.stringify([path, messages])], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    const tiers = [...run.stdout.matchAll(/Compiled function \S+ using (\w+)/g)].map((match) => match[1]);
    expect(tiers.filter((tier) => tier !== 'Liftoff')).toEqual([]);
    expect(tiers.length).toBeGreaterThan(100); // the trace works: SQLite's functions, compiled as first called
    expect(run.stdout).toContain('{"kind":"flushed","id":1}');
  });
});
