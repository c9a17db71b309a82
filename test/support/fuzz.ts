// Seeded mutations of real Deepgram messages, for the fuzz tests (unit and e2e): fields deleted
// or retyped, arrays bloated, types swapped, escape sequences added, the JSON text cut.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from './deepgram-server/index.js';

const FIXTURE_DIRS = [fileURLToPath(new URL('../fixtures/deepgram/', import.meta.url)), '/work/shared/fixtures/deepgram/'];

/** Every fixture text (the project's copy and the shared one when present), deduplicated by content. */
export function fixtureTexts(prefix = ''): { name: string; text: string }[] {
  const seen = new Map<string, string>();
  for (const dir of FIXTURE_DIRS.filter((path) => existsSync(path))) {
    for (const file of readdirSync(dir)
      .filter((name) => name.endsWith('.json') && name.startsWith(prefix))
      .sort()) {
      const text = readFileSync(join(dir, file), 'utf8');
      if (![...seen.values()].includes(text)) seen.set(`${dir === FIXTURE_DIRS[0] ? '' : 'shared/'}${file}`, text);
    }
  }
  return [...seen].map(([name, text]) => ({ name, text }));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const INFINITY = '\u0000INF\u0000';
const NASTY_TEXT = 'x\u001b]52;c;eA==\u0007\u001b[2J\u009b2J\u0000y';
const ODD_VALUES: Json[] = [
  null,
  true,
  false,
  'str',
  '',
  -1,
  -0.001,
  9e15,
  1e308,
  INFINITY,
  'NaN',
  [],
  {},
  [1, 2],
  { type: 'Results' },
  NASTY_TEXT,
  'z'.repeat(10_000),
];
const TYPES = ['Results', 'UtteranceEnd', 'SpeechStarted', 'Metadata', 'Warning', 'Error', ''];

export interface Mutant {
  /** The fixture it came from and what was done to it, for a failure message. */
  label: string;
  text: string;
}

/** `count` mutants of `fixtures`, the same for the same seed. */
export function mutants(fixtures: { name: string; text: string }[], count: number, seed: number): Mutant[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const result: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const fixture = pick(fixtures);
    const value = JSON.parse(fixture.text) as Json;
    const steps: string[] = [];
    const times = 1 + Math.floor(random() * 3);
    for (let step = 0; step < times; step++) steps.push(mutateTree(value, random, pick));
    let text = JSON.stringify(value).replaceAll(JSON.stringify(INFINITY), random() < 0.5 ? '1e999' : '-1e999');
    if (random() < 0.1) {
      const at = Math.floor(random() * text.length);
      text = text.slice(0, at);
      steps.push(`cut at ${at}`);
    }
    result.push({ label: `#${i} ${fixture.name}: ${steps.join(', ')}`, text });
  }
  return result;
}

/** One change somewhere in the tree; returns what it did. */
function mutateTree(root: Json, random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const nodes = containers(root, '$');
  const [node, path] = pick(nodes);
  const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
  const kind = random();
  if (kind < 0.1 && !Array.isArray(node) && 'type' in node) {
    node.type = pick(TYPES);
    return `${path}.type=${String(node.type)}`;
  }
  if (keys.length === 0) return 'nothing';
  const key = pick(keys);
  const record = node as Record<string, Json>;
  if (kind < 0.35) {
    if (Array.isArray(node)) node.splice(Number(key), 1);
    else delete record[key];
    return `deleted ${path}.${key}`;
  }
  if (kind < 0.75) {
    record[key] = structuredClone(pick(ODD_VALUES));
    return `${path}.${key}=${JSON.stringify(record[key])?.slice(0, 20)}`;
  }
  if (kind < 0.85 && Array.isArray(node)) {
    const copies = pick([2, 100, 20_000]);
    const first = node[0];
    node.push(...Array.from({ length: copies }, () => structuredClone(first ?? null)));
    return `${path} grown by ${copies}`;
  }
  const strings = Object.entries(record).filter(([, value]) => typeof value === 'string');
  if (strings.length > 0) {
    const [name, value] = pick(strings);
    record[name] = `${value as string}${NASTY_TEXT}`;
    return `${path}.${name} with escapes`;
  }
  return 'nothing';
}

function containers(value: Json, path: string): [Json[] | { [key: string]: Json }, string][] {
  if (value === null || typeof value !== 'object') return [];
  const inner = Array.isArray(value)
    ? value.flatMap((item, i) => containers(item, `${path}[${i}]`))
    : Object.entries(value).flatMap(([key, item]) => containers(item, `${path}.${key}`));
  return [[value, path], ...inner];
}
