/** What we lay lines out for when a terminal reports no usable width: most terminals' default. */
export const FALLBACK_COLUMNS = 80;

/**
 * A size a terminal reports, or undefined when it is unknown. Serial consoles, `script`, some
 * container PTYs and `stty cols 0` report 0: it must never reach a division or a loop bound.
 */
export function knownSize(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** The width to lay a line out for: the terminal's, or FALLBACK_COLUMNS when it reports none. */
export function layoutColumns(stream: { columns?: number }): number {
  return knownSize(stream.columns) ?? FALLBACK_COLUMNS;
}
