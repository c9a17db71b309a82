import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';

const ELLIPSIS = '…';
const segmenter = new Intl.Segmenter();
/**
 * Only this many UTF-16 units per column, from the end that shows, are looked at: segmenting
 * text into graphemes (string-width does it too) takes time quadratic in its length on Node 20
 * (20,000 CJK characters: seconds), and the text comes from a server. A cell takes 1-2 units;
 * a longer grapheme (a family emoji: 11 units, 2 cells) only shortens what is shown.
 */
const UNITS_PER_CELL = 8;

/**
 * Text from a server made safe to draw and erase: escape sequences removed, other control
 * characters (newlines, tabs) as spaces. Either would move the cursor where our count of the
 * cells drawn cannot follow.
 */
export function printable(text: string): string {
  return stripVTControlCharacters(text).replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}

/** The end of `text` that fits in `columns` terminal cells, led by an ellipsis when cut. */
export function fitTail(text: string, columns: number): string {
  if (columns <= 0) return '';
  const window = columns * UNITS_PER_CELL;
  if (text.length <= window && stringWidth(text) <= columns) return text;
  const parts = graphemes(text.length > window ? text.slice(-window) : text);
  if (text.length > window) parts.shift(); // the slice may have cut it in half
  return (
    ELLIPSIS +
    fitting(parts.reverse(), columns - stringWidth(ELLIPSIS))
      .reverse()
      .join('')
  );
}

/** The start of `text` that fits in `columns` cells, ended by an ellipsis when cut. */
export function fitHead(text: string, columns: number): string {
  if (columns <= 0) return '';
  const window = columns * UNITS_PER_CELL;
  if (text.length <= window && stringWidth(text) <= columns) return text;
  const parts = graphemes(text.length > window ? text.slice(0, window) : text);
  if (text.length > window) parts.pop();
  return fitting(parts, columns - stringWidth(ELLIPSIS)).join('') + ELLIPSIS;
}

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (part) => part.segment);
}

/** The leading graphemes of `parts` whose widths add up to at most `room`. */
function fitting(parts: string[], room: number): string[] {
  let width = 0;
  let count = 0;
  for (const part of parts) {
    width += stringWidth(part);
    if (width > room) break;
    count++;
  }
  return parts.slice(0, count);
}

/** Rows a line of `width` cells occupies in a terminal `columns` wide (at least 1). */
export function rowsFor(width: number, columns: number): number {
  return Math.max(1, Math.ceil(width / Math.max(1, columns)));
}

/** Escape codes that erase `rows` rows ending at the cursor's row, leaving the cursor at column 0. */
export function eraseRows(rows: number): string {
  return '\r' + '\x1b[1A'.repeat(Math.max(0, rows - 1)) + '\x1b[J';
}

export { stringWidth };
