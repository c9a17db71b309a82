import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { createOutput } from '../../src/output/create-output.js';
import { resolveSettings } from '../../src/settings/resolve.js';
import type { Flags } from '../../src/settings/resolve.js';
import { markLine } from '../../src/transcript/format-text.js';
import { formatUtcClock } from '../../src/transcript/timecode.js';
import type { Utterance } from '../../src/transcript/model.js';
import { tempDir } from '../support/temp.js';

const utterance = (text: string, start: number, end: number): Utterance => ({
  text,
  start,
  end,
  channel: 0,
  confidence: 0.9,
  words: [{ text, start, end, confidence: 0.9 }],
});

/** Everything an output writes for: a final, a pause, a mark while paused, the resume, a final. */
function written(flags: Flags): string {
  const stdout = Object.assign(new EventEmitter(), { isTTY: false, text: '', write: (text: string) => ((stdout.text += text), true) });
  const context = { stdout, stderr: stdout } as unknown as Context;
  const { settings } = resolveSettings(flags, {});
  const created = createOutput(context, settings);
  const { output } = created;
  output.open({ startedAt: new Date(Date.UTC(2026, 0, 1, 14, 0, 0)) });
  output.final(utterance('Hello.', 0.5, 1.2));
  output.pause?.(2);
  output.mark?.(751.48);
  output.resume?.(760.25, 758.25);
  output.final(utterance('Again.', 761, 762));
  output.close({ exitCode: 0, reason: 'end', audioSeconds: 4 });
  created.dispose();
  return typeof flags.output === 'string' ? readFileSync(flags.output, 'utf8') : stdout.text;
}

describe('marks (key m), pause and resume in each format', () => {
  it('text: a line --- mark HH:MM:SS --- in its place; pause and resume write nothing', () => {
    expect(written({})).toBe('Hello.\n--- mark 00:12:31 ---\nAgain.\n');
  });

  it('text with --timestamps wall: the clock time of the mark', () => {
    expect(markLine(751.48, { kind: 'wall', startedAt: new Date(Date.UTC(2026, 0, 1, 14, 0, 0)), formatClock: formatUtcClock })).toBe('--- mark 14:12:31 ---');
  });

  it('NDJSON: pause, mark and resume events with times on the session timeline', () => {
    const types = written({ format: 'json' })
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string })
      .filter((event) => ['pause', 'mark', 'resume'].includes(event.type));
    expect(types).toEqual([
      { type: 'pause', at: 2 },
      { type: 'mark', at: 751.48 },
      { type: 'resume', at: 760.25, paused_seconds: 758.25 },
    ]);
  });

  it('WebVTT: a cue-less NOTE block in time order', () => {
    const path = join(tempDir('transcribe-marks-'), 'out.vtt');
    expect(written({ output: path })).toBe(
      'WEBVTT\n\n00:00:00.500 --> 00:00:01.200\nHello.\n\nNOTE mark 00:12:31.480\n\n00:12:41.000 --> 00:12:42.000\nAgain.\n',
    );
  });

  it('SRT: marks are left out (SubRip has no comments; a cue would show on screen)', () => {
    const path = join(tempDir('transcribe-marks-'), 'out.srt');
    expect(written({ output: path })).toBe('1\n00:00:00,500 --> 00:00:01,200\nHello.\n\n2\n00:12:41,000 --> 00:12:42,000\nAgain.\n');
  });
});
