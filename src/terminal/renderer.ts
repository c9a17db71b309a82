import type { Ora } from 'ora';
import { eraseRows, fitHead, fitTail, rowsFor, stringWidth } from './interim-line.js';

export interface TerminalStream {
  write(text: string): boolean;
  isTTY?: boolean;
  columns?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/**
 * Owns stderr's decorations: the connecting spinner and the one interim line, rewritten in place.
 * On a non-TTY it draws nothing but plain notice lines. It never touches stdout.
 */
export class TerminalRenderer {
  private spinner: Ora | undefined;
  /** Cells of the interim text on screen now (0: nothing drawn). */
  private drawnWidth = 0;
  private interimText = '';
  private readonly onResize = () => this.redraw();

  constructor(
    private readonly stream: TerminalStream,
    private readonly options: { color: boolean; dim: (text: string) => string },
  ) {
    if (this.isTTY) this.stream.on?.('resize', this.onResize);
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  /** `text` is cut to the terminal's width: a wrapped spinner line is not fully erased when it stops. */
  async startSpinner(text: string): Promise<void> {
    if (!this.isTTY) return;
    text = fitHead(text, (this.stream.columns ?? 80) - 3);
    const { default: ora } = await import('ora');
    // discardStdin off: stdin may be the audio we are transcribing.
    this.spinner = ora({ text, stream: this.stream as NodeJS.WritableStream, discardStdin: false, color: 'cyan', isEnabled: true }).start();
    if (!this.options.color) this.spinner.color = 'white';
  }

  stopSpinner(): void {
    this.spinner?.stop();
    this.spinner = undefined;
  }

  /** Shows the current utterance's text, replacing what was there; only its tail when it is too wide. */
  interim(text: string): void {
    if (!this.isTTY) return;
    this.interimText = text;
    this.draw();
  }

  clearInterim(): void {
    this.interimText = '';
    this.erase();
  }

  /** A line on stderr (a warning, a status) that must not be mixed into the interim line. */
  notice(text: string): void {
    this.spinner?.clear();
    this.erase();
    this.stream.write(text + '\n');
    this.spinner?.render();
    if (this.interimText) this.draw();
  }

  dispose(): void {
    this.stopSpinner();
    this.clearInterim();
    this.stream.off?.('resize', this.onResize);
  }

  private draw(): void {
    if (!this.isTTY) return;
    this.stopSpinner(); // interim text means we are connected and hearing words
    const columns = this.stream.columns ?? 80;
    const shown = fitTail(this.interimText, columns - 1);
    this.erase();
    if (!shown) return;
    this.stream.write(this.options.color ? this.options.dim(shown) : shown);
    this.drawnWidth = stringWidth(shown);
  }

  /** Erases exactly the rows the interim text occupies at the current width (it may have wrapped after a resize). */
  private erase(): void {
    if (!this.isTTY || this.drawnWidth === 0) return;
    this.stream.write(eraseRows(rowsFor(this.drawnWidth, this.stream.columns ?? 80)));
    this.drawnWidth = 0;
  }

  private redraw(): void {
    if (this.drawnWidth > 0) this.draw();
  }
}
