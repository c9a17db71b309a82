import type { SttModel } from './management.js';

/** Aligned columns, two spaces apart; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const sorted = (models: readonly SttModel[]) => [...models].sort((a, b) => a.canonicalName.localeCompare(b.canonicalName));

/** `transcribe models` on a terminal (and without --format json). */
export function modelsTable(models: readonly SttModel[]): string {
  const rows = sorted(models).map((model) => [
    model.canonicalName,
    model.architecture,
    model.streaming ? 'yes' : 'no (--batch only)',
    model.languages.join(' '),
  ]);
  return table(['MODEL', 'FAMILY', 'LIVE', 'LANGUAGES'], rows);
}

/** `--format json`: one object a line. */
export function modelsNdjson(models: readonly SttModel[]): string {
  return sorted(models)
    .map((model) =>
      JSON.stringify({ model: model.canonicalName, family: model.architecture, languages: model.languages, streaming: model.streaming, batch: model.batch }),
    )
    .map((line) => `${line}\n`)
    .join('');
}
