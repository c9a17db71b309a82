import { escapeControls } from '../escape-controls.js';
import type { TerminalStream } from './tty-renderer.js';

/** What a command shows on stderr besides errors: spinner, interim line, notices. */
export interface Renderer {
  startSpinner(text: string): Promise<void>;
  stopSpinner(): void;
  /** Replaces the spinner's text (upload progress). */
  spinnerText(text: string): void;
  /** `tentative`: the engine thinks the turn may be over (Flux's eager end of turn); it may resume. */
  interim(text: string, tentative?: boolean): void;
  clearInterim(): void;
  /** Where a long job is (`01:23/10:00 elapsed 0:41`), shown before the interim text on a terminal. */
  progress(text: string): void;
  notice(text: string): void;
  /** A passing status (reconnecting...): dim on a terminal, a plain line otherwise. */
  status(text: string): void;
  /** The status line of a steered live session, under the interim line; only a terminal has one. */
  footer?(text: string): void;
  dispose(): void;
}

/** stderr is not a terminal: no spinner, no interim line, just plain notice lines. */
class PlainRenderer implements Renderer {
  constructor(private readonly stream: TerminalStream) {}
  async startSpinner(): Promise<void> {}
  stopSpinner(): void {}
  spinnerText(): void {}
  interim(): void {}
  clearInterim(): void {}
  progress(): void {}
  notice(text: string): void {
    this.stream.write(escapeControls(text) + '\n');
  }
  status(text: string): void {
    this.notice(text);
  }
  dispose(): void {}
}

/**
 * The terminal code (ora, string-width, chalk) loads only when stderr is a terminal that can move
 * its cursor: `TERM=dumb` (Emacs' shell, some CI logs) shows cursor and erase codes as junk.
 */
export async function createRenderer(stream: TerminalStream, color: boolean, term?: string): Promise<Renderer> {
  if (stream.isTTY !== true || term === 'dumb') return new PlainRenderer(stream);
  const { TtyRenderer } = await import('./tty-renderer.js');
  return new TtyRenderer(stream, color);
}
