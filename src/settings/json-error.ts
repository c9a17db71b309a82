/**
 * Where JSON text first goes wrong, as "line L, column C". Node 20's JSON.parse does not always say
 * (`Unexpected token 'e', ..."x": en }" is not valid JSON`), and a user fixing a hand-edited
 * config file needs the place. A small validating scanner: it only finds the offset.
 */
export function jsonErrorLocation(text: string): string | undefined {
  const offset = firstError(text);
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

function firstError(text: string): number | undefined {
  let at = 0;
  const fail = (): never => {
    throw new SyntaxAt(at);
  };
  const space = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const literal = (word: string) => (text.startsWith(word, at) ? (at += word.length) : fail());
  const string = () => {
    at++; // opening quote
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\n') fail();
      at += text[at] === '\\' ? 2 : 1;
    }
    if (text[at] !== '"') fail();
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail();
    at += match![0].length;
  };
  const list = (close: string, item: () => void) => {
    at++;
    space();
    if (text[at] === close) return void at++;
    for (;;) {
      item();
      space();
      if (text[at] === close) return void at++;
      if (text[at] !== ',') fail();
      at++;
      space();
    }
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{') {
      return list('}', () => {
        space();
        if (text[at] !== '"') fail();
        string();
        space();
        if (text[at] !== ':') fail();
        at++;
        value();
      });
    }
    if (char === '[') return list(']', value);
    if (char === '"') return string();
    if (char === 't') return void literal('true');
    if (char === 'f') return void literal('false');
    if (char === 'n') return void literal('null');
    number();
  };
  try {
    value();
    space();
    return at < text.length ? at : undefined;
  } catch (error) {
    if (!(error instanceof SyntaxAt)) throw error;
    return Math.min(error.offset, text.length);
  }
}

/** Unwinds the scanner from the first offset where the text stops being JSON. */
class SyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`invalid JSON at ${offset}`);
  }
}
