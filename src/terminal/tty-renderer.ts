import { Chalk } from 'chalk';
import { escapeControls } from '../escape-controls.js';
import type { Ora } from 'ora';
import { eraseRows, fitHead, fitTail, printable, rowsFor, stringWidth } from './interim-line.js';
import type { Renderer } from './renderer.js';
import { layoutColumns } from './size.js';
import { startOra } from './spinner.js';

export interface TerminalStream {
  write(text: string): boolean;
  isTTY?: boolean;
  /** 0 or missing when the terminal does not say (see layoutColumns). */
  columns?: number;
  rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
  once?(event: 'drain', listener: () => void): unknown;
  removeListener?(event: 'drain', listener: () => void): unknown;
}

/**
 * Owns a terminal's decorations on stderr: the connecting spinner and the one interim line,
 * rewritten in place. It never touches stdout.
 */
export class TtyRenderer implements Renderer {
  private spinner: Ora | undefined;
  /** Cells of the interim text on screen now (0: nothing drawn). */
  private drawnWidth = 0;
  private interimText = '';
  /** The interim text may be a finished turn: italic with colours, else marked by a trailing ellipsis. */
  private tentative = false;
  /** Position in a long file, shown in front of the interim text. */
  private progressText = '';
  /** The status line under the interim line (a steered live session); undefined: none. */
  private footerText: string | undefined;
  /** Cells of the status line on screen now (undefined: not drawn). */
  private footerWidth: number | undefined;
  private disposed = false;
  private readonly onResize = () => this.redraw();
  private readonly dim: (text: string) => string;
  private readonly italic: (text: string) => string;

  constructor(
    private readonly stream: TerminalStream,
    private readonly color: boolean,
  ) {
    const chalk = new Chalk({ level: color ? 1 : 0 });
    this.dim = (text) => chalk.dim(text);
    this.italic = (text) => chalk.italic(text);
    this.stream.on?.('resize', this.onResize);
  }

  /** `text` is cut to the terminal's width: a wrapped spinner line is not fully erased when it stops. */
  async startSpinner(text: string): Promise<void> {
    this.spinner = await startOra(this.stream, fitHead(printable(text), layoutColumns(this.stream) - 3), this.color);
  }

  spinnerText(text: string): void {
    if (this.spinner) this.spinner.text = fitHead(printable(text), layoutColumns(this.stream) - 3);
  }

  stopSpinner(): void {
    this.spinner?.stop();
    this.spinner = undefined;
  }

  /** Shows the current utterance's text, replacing what was there; only its tail when it is too wide. */
  interim(text: string, tentative = false): void {
    this.interimText = printable(text);
    this.tentative = tentative && this.interimText !== '';
    this.draw();
  }

  clearInterim(): void {
    this.interimText = '';
    this.tentative = false;
    this.erase(); // a final line follows on stdout: the progress comes back with the next tick
  }

  progress(text: string): void {
    this.progressText = printable(text);
    this.draw();
  }

  /** The status line, drawn under the interim line (which keeps its row, empty or not) and redrawn with it. */
  footer(text: string): void {
    if (this.disposed || this.spinner) return;
    const shown = printable(text);
    if (shown === this.footerText && this.footerWidth !== undefined) return;
    this.footerText = shown;
    this.draw();
  }

  /** A line on stderr (a warning, a status) that must not be mixed into the interim line. */
  notice(text: string): void {
    this.line(escapeControls(text));
  }

  status(text: string): void {
    const shown = escapeControls(text);
    this.line(this.color ? this.dim(shown) : shown);
  }

  private line(text: string): void {
    this.spinner?.clear();
    this.erase();
    this.stream.write(text + '\n');
    this.spinner?.render();
    if (this.interimText || this.progressText || this.footerText !== undefined) this.draw();
  }

  /** Leaves nothing of ours on screen: the interim and status lines are erased. */
  dispose(): void {
    this.disposed = true;
    this.footerText = undefined;
    this.stopSpinner();
    this.clearInterim();
    this.stream.off?.('resize', this.onResize);
  }

  private draw(): void {
    this.stopSpinner(); // interim text means we are connected and hearing words
    const columns = layoutColumns(this.stream);
    const prefix = this.progressText ? fitHead(`[${this.progressText}] `, columns - 1) : '';
    const room = columns - 1 - stringWidth(prefix);
    const text = this.tentative && !this.color ? `${this.interimText} …` : this.interimText;
    const shown = prefix + (room > 0 ? fitTail(text, room) : '');
    // One write: erasing and drawing apart would let the terminal show the empty rows (flicker).
    const erased = this.erasure();
    if (this.footerText !== undefined) {
      const footer = fitHead(this.footerText, columns - 1);
      this.stream.write(erased + (shown ? this.paintInterim(shown) : '') + '\n' + this.paint(footer));
      this.drawnWidth = stringWidth(shown);
      this.footerWidth = stringWidth(footer);
      return;
    }
    if (erased) this.stream.write(erased);
    if (!shown) return;
    this.stream.write(this.paintInterim(shown));
    this.drawnWidth = stringWidth(shown);
  }

  private paint(text: string): string {
    if (!this.color || !text) return text;
    return this.dim(text);
  }

  private paintInterim(text: string): string {
    return this.color && text && this.tentative ? this.dim(this.italic(text)) : this.paint(text);
  }

  /** Erases exactly the rows the interim text occupies at the current width (it may have wrapped after a resize). */
  private erase(): void {
    const erased = this.erasure();
    if (erased) this.stream.write(erased);
  }

  /** The escape codes that erase what is drawn (the interim row, and the status line under it), or '' when nothing is. */
  private erasure(): string {
    const columns = layoutColumns(this.stream);
    const footerRows = this.footerWidth === undefined ? 0 : rowsFor(this.footerWidth, columns);
    if (this.drawnWidth === 0 && footerRows === 0) return '';
    const rows = rowsFor(this.drawnWidth, columns) + footerRows;
    this.drawnWidth = 0;
    this.footerWidth = undefined;
    return eraseRows(rows);
  }

  private redraw(): void {
    if (this.drawnWidth > 0 || this.footerWidth !== undefined) this.draw();
  }
}
