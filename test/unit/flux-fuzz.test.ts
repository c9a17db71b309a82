// Seeded fuzzing of the Flux (/v2/listen) adapter and the turn model with mutated fixtures shaped
// like Deepgram's specification: nothing throws, what is accepted keeps every promise of our
// events, and what is ignored leaves the turns of the valid messages as they were. FUZZ_SEED=n replays a run.
import { describe, expect, it } from 'vitest';
import { MAX_WORDS_PER_TURN, parseFlux } from '../../src/deepgram/flux.js';
import type { Heard } from '../../src/transcript/heard.js';
import { TranscriptModel, type TranscriptEvent } from '../../src/transcript/model.js';
import { controlCharacters } from '../support/control-chars.js';
import { fixtureTexts, mutants } from '../support/fuzz.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CASES = 3000;
const FLUX = fixtureTexts('flux-');
const VALID_RUN = [
  'flux-connected.json',
  'flux-turn-start.json',
  'flux-turn-update.json',
  'flux-turn-update-no-times.json',
  'flux-turn-eager.json',
  'flux-turn-resumed.json',
  'flux-turn-end.json',
  'flux-turn-end-empty.json',
  'flux-turn-end-multi.json',
].map((name) => FLUX.find((fixture) => fixture.name === name)!.text);

/** Every promise of the adapter's events that the model and the connection rely on; the broken one, or undefined. */
function brokenPromise(heard: Heard): string | undefined {
  const time = (value: number) => Number.isFinite(value) && value >= 0;
  const clean = (text: string) => controlCharacters(text).length === 0 && !text.includes('\n');
  switch (heard.kind) {
    case 'turn': {
      if (!time(heard.start) || !(heard.end >= heard.start) || !Number.isSafeInteger(heard.index)) return 'window or index';
      if (!clean(heard.text) || heard.words.length > MAX_WORDS_PER_TURN) return 'transcript or words';
      if (!(heard.endConfidence >= 0 && heard.endConfidence <= 1)) return 'end_of_turn_confidence';
      if (heard.trigger !== undefined && (!clean(heard.trigger) || heard.phase !== 'end')) return 'trigger';
      if (heard.languages?.some((language) => !clean(language))) return 'languages';
      for (const word of heard.words) if (!time(word.start) || !(word.end >= word.start) || !clean(word.text)) return 'a word';
      return undefined;
    }
    case 'confirmed':
      return time(heard.until) ? undefined : 'confirmed';
    case 'failure':
      return clean(heard.code) && clean(heard.description) ? undefined : 'failure';
    case 'unknown':
      return clean(heard.text) && heard.text.length <= 201 ? undefined : 'unknown text';
    default:
      return `a ${heard.kind} from Flux`;
  }
}

const linesOf = (events: TranscriptEvent[]) =>
  events.flatMap((event) => (event.type === 'final' ? [`${event.utterance.text} ${event.utterance.start}-${event.utterance.end}`] : []));
const hear = (model: TranscriptModel, text: string) => parseFlux(text).flatMap((heard) => model.apply(heard));

describe(`fuzz: mutated Flux messages through the adapter and the model (FUZZ_SEED=${SEED}, ${CASES} cases)`, () => {
  const cases = mutants(FLUX, CASES, SEED);

  it('nothing throws; accepted messages keep every promise; the model takes all of them', () => {
    const failures: string[] = [];
    const figures = { accepted: 0, ignored: 0 };
    const model = new TranscriptModel(3);
    for (const mutant of cases) {
      try {
        const heard = parseFlux(mutant.text);
        figures[heard[0]?.kind === 'unknown' ? 'ignored' : 'accepted'] += 1;
        for (const broken of heard.map(brokenPromise)) if (broken) failures.push(`${mutant.label}: ${broken}`);
        for (const event of heard.flatMap((one) => model.apply(one))) {
          if (event.type === 'final' && !(Number.isFinite(event.utterance.start) && event.utterance.end >= event.utterance.start))
            failures.push(`${mutant.label}: final with bad times`);
        }
      } catch (error) {
        failures.push(`${mutant.label}: threw ${String(error)}`);
      }
    }
    model.flush();
    expect(failures, `FUZZ_SEED=${SEED}`).toEqual([]);
    expect(figures.accepted).toBeGreaterThan(CASES / 10);
    expect(figures.ignored).toBeGreaterThan(CASES / 10);
  });

  it('ignored mutants between the valid messages leave the turns as they were', () => {
    const clean = new TranscriptModel();
    const expected = linesOf([...VALID_RUN.flatMap((text) => hear(clean, text)), ...clean.flush()]);
    const ignored = cases.filter((mutant) => parseFlux(mutant.text)[0]?.kind === 'unknown');
    const model = new TranscriptModel();
    const events: TranscriptEvent[] = [];
    VALID_RUN.forEach((text, i) => {
      for (const mutant of ignored.filter((_, j) => j % VALID_RUN.length === i)) events.push(...hear(model, mutant.text));
      events.push(...hear(model, text));
    });
    events.push(...model.flush());
    expect(expected).toEqual(['Hello, how are you today? 0.48-1.84', 'Guten Morgen. 8-8.8']);
    expect(linesOf(events), `FUZZ_SEED=${SEED}`).toEqual(expected);
  });
});
