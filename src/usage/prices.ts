// What an audio minute costs, per model family: an ESTIMATE for `transcribe usage`. Deepgram's
// pay-as-you-go list prices for streaming (pre-recorded is cheaper; plans and contracts differ),
// as published on deepgram.com/pricing when PRICES_TAKEN says. The config key `prices` overrides any.

export const PRICES_TAKEN = '2025-06';

/** USD per audio minute, by model or family; a model takes the entry of its longest matching prefix. */
export const PRICES_USD_PER_MINUTE: Readonly<Record<string, number>> = {
  'nova-3': 0.0077,
  'nova-3-multilingual': 0.0092,
  'nova-2': 0.0058,
  nova: 0.0058,
  enhanced: 0.0165,
  base: 0.0145,
  whisper: 0.0048,
  flux: 0.0077,
};

export type PriceTable = ReadonlyMap<string, number>;

/** The shipped table with the user's entries over it. */
export function priceTable(overrides: ReadonlyMap<string, number> = new Map()): PriceTable {
  return new Map([...Object.entries(PRICES_USD_PER_MINUTE), ...overrides]);
}

/**
 * The price of a model: its own entry, else the longest entry it starts with followed by "-"
 * (`nova-3-medical` -> `nova-3`); `language=multi` sessions are not told apart (the archive keeps
 * the model only). Undefined when no entry fits: the cost is then unknown, never guessed.
 */
export function pricePerMinute(model: string, table: PriceTable): number | undefined {
  const name = model.trim().toLowerCase();
  let best: [string, number] | undefined;
  for (const [key, price] of table) {
    if ((name === key || name.startsWith(`${key}-`)) && (!best || key.length > best[0].length)) best = [key, price];
  }
  return best?.[1];
}

/** `prices` (config, TRANSCRIBE_PRICES): "nova-3=0.0077,nova-2=0.0058", USD per audio minute. */
export function parsePrices(raw: string): Map<string, number> {
  const prices = new Map<string, number>();
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (!entry) continue;
    const equals = entry.indexOf('=');
    if (equals < 0) throw new Error(`"${entry}" has no "=": expected MODEL=USD_PER_MINUTE, e.g. nova-3=0.0077`);
    const model = entry.slice(0, equals).trim().toLowerCase();
    const value = entry.slice(equals + 1).trim();
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(model)) throw new Error(`"${entry}": "${model}" is not a model name`);
    if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(Number(value)))
      throw new Error(`"${entry}": "${value}" is not a price in USD per minute, e.g. 0.0077`);
    prices.set(model, Number(value));
  }
  if (prices.size === 0) throw new Error('no prices given: expected MODEL=USD_PER_MINUTE, e.g. nova-3=0.0077');
  return prices;
}
