import stringWidth from 'string-width';

const ELLIPSIS = '…';
const segmenter = new Intl.Segmenter();

/** The end of `text` that fits in `columns` terminal cells, led by an ellipsis when cut. */
export function fitTail(text: string, columns: number): string {
  if (columns <= 0) return '';
  if (stringWidth(text) <= columns) return text;
  const graphemes = Array.from(segmenter.segment(text), (part) => part.segment);
  let width = stringWidth(ELLIPSIS);
  let start = graphemes.length;
  while (start > 0) {
    const next = stringWidth(graphemes[start - 1]!);
    if (width + next > columns) break;
    width += next;
    start--;
  }
  return ELLIPSIS + graphemes.slice(start).join('');
}

/** The start of `text` that fits in `columns` cells, ended by an ellipsis when cut. */
export function fitHead(text: string, columns: number): string {
  if (stringWidth(text) <= columns) return text;
  const reversed = fitTail(Array.from(segmenter.segment(text), (part) => part.segment).reverse().join(''), columns);
  return Array.from(segmenter.segment(reversed.slice(ELLIPSIS.length)), (part) => part.segment).reverse().join('') + (reversed ? ELLIPSIS : '');
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
