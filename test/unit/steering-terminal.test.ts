import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { KEY_HELP, steerLive } from '../../src/commands/live-steering.js';
import { parseDuration } from '../../src/settings/parsers.js';
import { MAX_CLIPBOARD_BYTES, osc52 } from '../../src/terminal/clipboard.js';
import { eraseRows } from '../../src/terminal/interim-line.js';
import { canReadKeys, keysOf, readKeys } from '../../src/terminal/keys.js';
import type { Renderer } from '../../src/terminal/renderer.js';
import { clock, levelBar, statusLine } from '../../src/terminal/status-line.js';
import { TtyRenderer } from '../../src/terminal/tty-renderer.js';
import type { SteeringSnapshot } from '../../src/stream/steering.js';
import { FakeClock } from '../support/fake-clock.js';

describe('keysOf: what a raw-mode terminal sent', () => {
  it.each([
    [' ', ['pause']],
    ['m', ['mark']],
    ['c', ['copy-line']],
    ['C', ['copy-all']],
    ['q', ['stop']],
    ['?', ['help']],
    ['\x03', ['interrupt']],
    ['xyz Q\r', ['pause']],
    ['\x1b[C', []], // cursor right ends in C: not a copy
    ['\x1b[1;5C', []],
    ['\x1bOP', []], // F1
    ['\x1bm', []], // Alt+m
    ['\x1b[200~qmc\x1b[201~', ['stop', 'mark', 'copy-line']], // a bracketed paste's brackets are skipped, not its text
    ['m\x1b[Am', ['mark', 'mark']],
  ])('%j -> %j', (chunk, keys) => expect(keysOf(chunk)).toEqual(keys));
});

describe('the status line', () => {
  const snapshot = (over: Partial<SteeringSnapshot> = {}): SteeringSnapshot => ({ state: 'listening', elapsed: 751.4, lag: 0.84, levelDbfs: -30, ...over });

  it.each([
    [80, {}, undefined, 'listening  12:31  lag 0.8s  [####----]  ? keys'],
    [40, {}, undefined, 'listening  12:31  lag 0.8s  [####----]'],
    [30, {}, undefined, 'listening  12:31  lag 0.8s'],
    [20, {}, undefined, 'listening  12:31'],
    [10, {}, undefined, 'listening'],
    [5, {}, undefined, 'list'],
    [1, {}, undefined, ''],
    [80, { state: 'paused' as const, lag: undefined }, undefined, 'PAUSED  12:31  [####----]  ? keys'],
    [80, { state: 'reconnecting' as const, elapsed: 3725 }, undefined, 'reconnecting  1:02:05  lag 0.8s  [####----]  ? keys'],
    [40, {}, 'copied the last line', 'listening  12:31  copied the last line'],
  ])('%s columns, %j, flash %s', (columns, over, flash, line) => {
    const shown = statusLine(snapshot(over), columns, flash);
    expect(shown).toBe(line);
    expect(shown.length).toBeLessThan(Math.max(1, columns));
  });

  it.each([
    [-Infinity, '[--------]'],
    [-60, '[--------]'],
    [-30, '[####----]'],
    [0, '[########]'],
    [3, '[########]'],
  ])('level %s dBFS -> %s', (db, bar) => expect(levelBar(db)).toBe(bar));

  it.each([
    [0, '0:00'],
    [59.9, '0:59'],
    [751.4, '12:31'],
    [3725, '1:02:05'],
    [-1, '0:00'],
  ])('clock(%s) = %s', (seconds, text) => expect(clock(seconds)).toBe(text));
});

describe('TtyRenderer: the status line under the interim line', () => {
  class Terminal {
    readonly isTTY = true;
    writes: string[] = [];
    constructor(public columns: number) {}
    write(text: string): boolean {
      this.writes.push(text);
      return true;
    }
  }

  it('draws interim and status in one write, erases both rows, keeps the interim row when empty, and clears it all on dispose', () => {
    const terminal = new Terminal(40);
    const renderer = new TtyRenderer(terminal, false);
    renderer.footer('listening  0:01');
    expect(terminal.writes).toEqual(['\nlistening  0:01']);
    renderer.interim('Hello there');
    expect(terminal.writes.at(-1)).toBe(eraseRows(2) + 'Hello there\nlistening  0:01');
    renderer.footer('listening  0:01'); // unchanged: nothing written
    expect(terminal.writes).toHaveLength(2);
    renderer.clearInterim(); // a final follows on stdout
    expect(terminal.writes.at(-1)).toBe(eraseRows(2));
    renderer.footer('listening  0:02');
    expect(terminal.writes.at(-1)).toBe('\nlistening  0:02');
    renderer.notice('transcribe: warning');
    expect(terminal.writes.slice(-3)).toEqual([eraseRows(2), 'transcribe: warning\n', '\nlistening  0:02']);
    renderer.dispose();
    expect(terminal.writes.at(-1)).toBe(eraseRows(2));
    renderer.footer('listening  0:03'); // a tick after the end draws nothing
    expect(terminal.writes.at(-1)).toBe(eraseRows(2));
  });

  it('a status line wrapped by a narrower terminal is erased whole', () => {
    const terminal = new Terminal(40);
    const renderer = new TtyRenderer(terminal, false);
    renderer.footer('x'.repeat(39));
    terminal.columns = 20;
    renderer.clearInterim();
    expect(terminal.writes.at(-1)).toBe(eraseRows(1 + 2));
  });
});

describe('OSC 52', () => {
  it('is the text base64 in ESC ] 52 ; c ; ... BEL', () => {
    expect(osc52('Hello, wörld')).toEqual({ sequence: `\x1b]52;c;${Buffer.from('Hello, wörld').toString('base64')}\x07`, cut: false });
  });

  it('carries at most 64 KB: the end of a longer text, from a line start', () => {
    const line = 'x'.repeat(99) + '\n';
    const { sequence, cut } = osc52(line.repeat(1000) + 'last');
    const copied = Buffer.from(sequence.slice(7, -1), 'base64').toString();
    expect(cut).toBe(true);
    expect(Buffer.byteLength(copied)).toBeLessThanOrEqual(MAX_CLIPBOARD_BYTES);
    expect(copied.startsWith('x')).toBe(true);
    expect(copied.endsWith(line + 'last')).toBe(true);
    expect(copied.length % 100).toBe(4);
  });
});

describe('reading keys', () => {
  type FakeStdin = PassThrough & { isTTY?: boolean; setRawMode?: (raw: boolean) => void; modes: boolean[] };
  const stdin = (isTTY: boolean): FakeStdin => {
    const stream = new PassThrough() as FakeStdin;
    stream.modes = [];
    if (isTTY) Object.assign(stream, { isTTY: true, setRawMode: (raw: boolean) => stream.modes.push(raw) });
    return stream;
  };

  it.each([
    [true, true, true],
    [false, true, false],
    [true, false, false],
  ])('stdin a terminal: %s, stderr a terminal: %s -> keys read: %s', (tty, errTty, read) => {
    expect(canReadKeys(stdin(tty), { isTTY: errTty })).toBe(read);
  });

  it('raw mode on while reading, off again once (idempotent), and a failing terminal does not throw', async () => {
    const input = stdin(true);
    const keys: string[] = [];
    const restore = readKeys(input, (key) => keys.push(key));
    input.write(' m');
    await new Promise((resolve) => setImmediate(resolve));
    restore();
    restore();
    input.emit('error', new Error('EIO')); // the terminal went away: no crash
    expect({ keys, modes: input.modes }).toEqual({ keys: ['pause', 'mark'], modes: [true, false] });
  });

  function live(isTTY: boolean, options: { manualTurns?: boolean; pauseSendsSilence?: boolean } = {}) {
    const input = stdin(isTTY);
    const stderr = Object.assign(new PassThrough(), { isTTY, columns: 40 });
    let written = '';
    stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const signals: string[] = [];
    const context = {
      stdin: input,
      stderr,
      clock: new FakeClock(),
      onSignal: () => () => {},
    } as unknown as Context;
    const notices: string[] = [];
    const renderer = { notice: (text: string) => notices.push(text), status: (text: string) => notices.push(text), clearInterim() {} } as unknown as Renderer;
    const output = { pause() {}, resume() {}, mark() {} } as never;
    let ended = 0;
    const run = steerLive(context, { output, renderer, end: () => (ended += 1), ...options });
    run.context.onSignal((signal) => signals.push(signal));
    return { input, run, signals, notices, written: () => written, ended: () => ended };
  }

  it('--manual-turns (Flux): space ends the turn (the session is asked to finalize: ForceEndTurn) and never pauses', async () => {
    const session = live(true, { manualTurns: true, pauseSendsSilence: true });
    let finalized = 0;
    session.run.steering.connected({ finalize: () => (finalized += 1) });
    session.input.write('  ?');
    await new Promise((resolve) => setImmediate(resolve));
    expect({ finalized, paused: session.run.steering.paused }).toEqual({ finalized: 2, paused: false });
    expect(session.notices[0]).toBe('keys: space  end the turn (--manual-turns)');
    expect(session.notices.slice(1)).toEqual(KEY_HELP.slice(1));
    session.run.dispose();
  });

  it('a pause on Flux sends silence (no KeepAlive on v2): the frames go out zeroed, and the timeline is not shifted', () => {
    const session = live(true, { pauseSendsSilence: true });
    const steering = session.run.steering;
    steering.connected({ finalize() {} });
    const frame = Buffer.alloc(1600, 1);
    expect(steering.admit(frame, 0.05, 0)).toBe('send');
    steering.togglePause();
    expect(steering.admit(frame, 0.05, 0.05)).toBe('silence');
    expect(steering.timeline(0.1)).toBe(0.1);
    steering.togglePause();
    expect(steering.admit(frame, 0.05, 0.1)).toBe('send');
    session.run.dispose();
  });

  it('on a terminal: Ctrl+C reaches the stream as SIGINT, q ends it, ? lists the keys, and dispose undoes raw mode', async () => {
    const session = live(true);
    session.input.write('\x03?q');
    await new Promise((resolve) => setImmediate(resolve));
    expect(session.signals).toEqual(['SIGINT']);
    expect(session.notices).toEqual(KEY_HELP);
    expect(session.ended()).toBe(1);
    session.run.dispose();
    expect(session.input.modes).toEqual([true, false]);
  });

  it('not on a terminal: stdin is never read (its bytes stay there), and no raw mode', async () => {
    const session = live(false);
    session.input.write('\x03q');
    await new Promise((resolve) => setImmediate(resolve));
    expect({ signals: session.signals, ended: session.ended(), modes: session.input.modes, flowing: session.input.readableFlowing }).toEqual({
      signals: [],
      ended: 0,
      modes: [],
      flowing: null,
    });
    expect(session.input.read()?.toString()).toBe('\x03q');
  });
});

describe('--stop-after and --stop-on-silence values', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['1h30m', 5400],
    ['2.5', 2.5],
    ['  45 ', 45],
    ['0.5s', 0.5],
  ])('%j is %s seconds', (raw, seconds) => expect(parseDuration(raw)).toBe(seconds));

  it.each(['0', '0s', '-5', 'abc', '5x', '1e3', '8d', '200h', ''])('%j is refused', (raw) => {
    expect(() => parseDuration(raw)).toThrow('must be a duration such as 90s, 15m or 1h (more than 0, at most 7 days)');
  });
});

describe('levelDbfs on every live frame (the status line, --stop-on-silence)', () => {
  it('gives the same level for a frame at an odd byte offset (no Int16Array view there) as for an aligned one', async () => {
    const { levelDbfs } = await import('../../src/audio/levels.js');
    const aligned = Buffer.alloc(1600);
    for (let i = 0; i < 800; i++) aligned.writeInt16LE(((i * 37) % 2000) - 1000, i * 2);
    const odd = Buffer.alloc(1601).subarray(1);
    aligned.copy(odd);
    expect(odd.byteOffset % 2).toBe(1);
    expect(levelDbfs(odd)).toBe(levelDbfs(aligned));
    expect(levelDbfs(aligned)).toBeCloseTo(
      20 * Math.log10(Math.sqrt([...Array(800).keys()].reduce((sum, i) => sum + (((i * 37) % 2000) - 1000) ** 2, 0) / 800) / 32768),
      10,
    );
  });
});
