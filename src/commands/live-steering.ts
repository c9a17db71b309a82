import type { Context, StopSignal } from '../context.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import { Steering } from '../stream/steering.js';
import type { StopLimits } from '../stream/stop-conditions.js';
import { osc52 } from '../terminal/clipboard.js';
import { canReadKeys, readKeys, type Key } from '../terminal/keys.js';
import type { Renderer } from '../terminal/renderer.js';
import { layoutColumns } from '../terminal/size.js';
import { clock, statusLine } from '../terminal/status-line.js';

export interface SteeredRun {
  steering: Steering;
  /** The context to run the stream in: Ctrl+C typed in raw mode reaches its onSignal listeners as SIGINT does. */
  context: Context;
  /** Puts the terminal back (raw mode off) and stops the status line. Idempotent; every way out calls it. */
  dispose(): void;
}

/** How often the status line is brought up to date (elapsed time, level). */
const TICK_MS = 250;
/** How long what a key did shows in the status line. */
const FLASH_MS = 2000;

export const KEY_HELP = [
  'keys: space  pause / resume',
  '      m      mark this moment',
  '      c      copy the last line',
  '      C      copy the whole transcript',
  '      q      stop (exit 0)',
  '      Ctrl+C interrupt (exit 130)',
];

/**
 * Steering for `transcribe live`: the stop conditions always; keys and the status line only when
 * stdin and stderr are a terminal (never reading a pipe, never drawing where no one looks).
 */
export interface SteerOptions extends StopLimits {
  output: TranscriptOutput;
  renderer: Renderer;
  end: () => void;
  /** Flux: a pause sends silence (no KeepAlive on v2). */
  pauseSendsSilence?: boolean;
  /** Flux `--manual-turns`: space ends the turn (ForceEndTurn) instead of pausing. */
  manualTurns?: boolean;
}

/** The key list `?` shows. */
export function keyHelp(manualTurns: boolean): string[] {
  return manualTurns ? ['keys: space  end the turn (--manual-turns)', ...KEY_HELP.slice(1)] : KEY_HELP;
}

export function steerLive(context: Context, options: SteerOptions): SteeredRun {
  const { renderer } = options;
  const keys = canReadKeys(context.stdin, context.stderr);
  const showStatus = keys && renderer.footer !== undefined;
  let flash: { text: string; until: number } | undefined;
  const draw = () => {
    if (!showStatus || !steering.streaming) return;
    if (flash && context.clock.now() >= flash.until) flash = undefined;
    renderer.footer?.(statusLine(steering.snapshot(), layoutColumns(context.stderr), flash?.text));
  };
  const steering = new Steering({
    output: options.output,
    end: options.end,
    notice: (text) => renderer.status(text),
    stopAfter: options.stopAfter,
    stopOnSilence: options.stopOnSilence,
    measureLevel: showStatus,
    changed: draw,
    ...(options.pauseSendsSilence ? { pauseSendsSilence: true } : {}),
  });
  if (!keys) return { steering, context, dispose() {} };

  const interrupted = new Set<(signal: StopSignal) => void>();
  const steered = Object.create(context) as Context;
  steered.onSignal = (listener) => {
    const off = context.onSignal(listener);
    interrupted.add(listener);
    return () => (off(), interrupted.delete(listener));
  };
  const show = (text: string) => {
    flash = { text, until: context.clock.now() + FLASH_MS };
    draw();
  };
  const copy = (text: string, what: string) => {
    if (!text) return show('nothing to copy yet');
    const { sequence, cut } = osc52(text);
    context.stderr.write(sequence);
    show(cut ? `copied the last 64 KB` : `copied ${what}`);
  };
  const onKey = (key: Key) => {
    // Pausing, marking and copying wait for the session to start (no event before its `open`).
    if (!steering.streaming && (key === 'pause' || key === 'mark' || key === 'copy-line' || key === 'copy-all')) return;
    // A pause or a mark writes to the transcript (stdout may be this terminal): the interim and status lines make room first, as for a final.
    if ((key === 'pause' && !options.manualTurns) || key === 'mark') renderer.clearInterim();
    if (key === 'interrupt') for (const listener of [...interrupted]) listener('SIGINT');
    else if (key === 'pause' && options.manualTurns) show(steering.endTurn() ? 'turn ended' : 'no turn yet');
    else if (key === 'pause') steering.togglePause();
    else if (key === 'mark') show(`mark ${clock(steering.mark())}`);
    else if (key === 'copy-line') copy(steering.lastLine, 'the last line');
    else if (key === 'copy-all') copy(steering.transcript, 'the transcript');
    else if (key === 'stop') {
      steering.stop();
      show('stopping');
    } else for (const line of keyHelp(options.manualTurns === true)) renderer.notice(line);
  };
  const restore = readKeys(context.stdin, onKey);
  const stopTicking = showStatus ? context.clock.every(TICK_MS, draw) : () => {};
  return {
    steering,
    context: steered,
    dispose() {
      stopTicking();
      restore();
    },
  };
}
