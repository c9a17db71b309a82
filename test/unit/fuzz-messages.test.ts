// Seeded fuzzing of the message parser and the transcript model with mutated real fixtures:
// nothing throws, what is accepted keeps every promise of our event shapes, and what is
// ignored leaves the transcript of the valid messages as it was. FUZZ_SEED=n replays a run.
import { describe, expect, it } from 'vitest';
import { parsePrerecordedAnswer } from '../../src/deepgram/batch-answer.js';
import { MAX_WORDS_PER_RESULTS, parseLiveV1 } from '../../src/deepgram/live-v1.js';
import type { Heard } from '../../src/transcript/heard.js';
import { TranscribeError } from '../../src/errors.js';
import { TranscriptModel, type TranscriptEvent } from '../../src/transcript/model.js';
import { controlCharacters } from '../support/control-chars.js';
import { fixtureTexts, mutants } from '../support/fuzz.js';
import { hear } from './transcript-helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CASES = 600;
const LIVE = fixtureTexts('live-');
// The v1 parser's fuzz: Flux fixtures have their own (flux-fuzz.test.ts).
const ALL = fixtureTexts().filter((fixture) => !fixture.name.startsWith('flux-'));
const VALID_RUN = [
  'live-results-interim-words.json',
  'live-results-final-speech-final.json',
  'live-utterance-end.json',
  'live-speech-started.json',
  'live-results-final-not-speech-final.json',
  'live-metadata-full.json',
].map((name) => LIVE.find((fixture) => fixture.name === name)!.text);

/** Every promise of the adapter's events that the model and outputs rely on; the broken one, or undefined. */
function brokenPromise(heard: Heard): string | undefined {
  const time = (value: number) => Number.isFinite(value) && value >= 0;
  const clean = (text: string) => controlCharacters(text).length === 0 && !text.includes('\n');
  switch (heard.kind) {
    case 'words': {
      if (!time(heard.start) || !time(heard.end) || !Number.isSafeInteger(heard.channel)) return 'times or channel';
      if (!clean(heard.text) || heard.words.length > MAX_WORDS_PER_RESULTS) return 'transcript or words';
      for (const word of heard.words) if (!time(word.start) || !(word.end >= word.start) || !clean(word.text)) return 'a word';
      return undefined;
    }
    case 'utterance-end':
      return heard.lastWordEnd === undefined || time(heard.lastWordEnd) ? undefined : 'last_word_end';
    case 'speech-started':
      return time(heard.at) ? undefined : 'timestamp';
    case 'confirmed':
      return time(heard.until) ? undefined : 'confirmed';
    case 'metadata':
      return time(heard.duration) && clean(heard.requestId) ? undefined : 'metadata';
    case 'unknown':
      return clean(heard.text) && heard.text.length <= 201 ? undefined : 'unknown text';
    default:
      return `a ${heard.kind} from v1`;
  }
}

const transcriptOf = (events: TranscriptEvent[]) =>
  events.flatMap((event) => (event.type === 'final' ? [`${event.utterance.text} ${event.utterance.start}-${event.utterance.end}`] : []));

describe(`fuzz: mutated fixtures through the parser and the model (FUZZ_SEED=${SEED}, ${CASES} cases)`, () => {
  const cases = mutants(ALL, CASES, SEED);
  const figures = { cases: cases.length, crashes: 0, accepted: 0, ignored: 0 };

  it('nothing throws; accepted messages keep every promise; the model takes all of them', () => {
    const failures: string[] = [];
    const model = new TranscriptModel(3);
    for (const mutant of cases) {
      try {
        const heard = parseLiveV1(mutant.text);
        figures[heard[0]?.kind === 'unknown' ? 'ignored' : 'accepted'] += 1;
        for (const broken of heard.map(brokenPromise)) if (broken) failures.push(`${mutant.label}: ${broken}`);
        for (const event of heard.flatMap((one) => model.apply(one))) {
          if (event.type === 'final' && !(Number.isFinite(event.utterance.start) && Number.isFinite(event.utterance.end)))
            failures.push(`${mutant.label}: final with bad times`);
        }
      } catch (error) {
        figures.crashes += 1;
        failures.push(`${mutant.label}: threw ${String(error)}`);
      }
    }
    model.flush();
    console.info(`fuzz parser (FUZZ_SEED=${SEED}): ${JSON.stringify(figures)}`);
    expect(failures, `FUZZ_SEED=${SEED}`).toEqual([]);
    expect(figures.accepted).toBeGreaterThan(0);
    expect(figures.ignored).toBeGreaterThan(CASES / 3);
  });

  it('ignored mutants between the valid messages leave their transcript as it was', () => {
    const clean = new TranscriptModel();
    const expected = transcriptOf([...VALID_RUN.flatMap((text) => hear(clean, text)), ...clean.flush()]);
    const ignored = cases.filter((mutant) => parseLiveV1(mutant.text)[0]?.kind === 'unknown');
    const model = new TranscriptModel();
    const events: TranscriptEvent[] = [];
    VALID_RUN.forEach((text, i) => {
      for (const mutant of ignored.filter((_, j) => j % VALID_RUN.length === i)) events.push(...hear(model, mutant.text));
      events.push(...hear(model, text));
    });
    events.push(...model.flush());
    expect(expected.length).toBeGreaterThan(0);
    expect(transcriptOf(events), `FUZZ_SEED=${SEED}`).toEqual(expected);
  });

  it('the batch answer: mutants of the pre-recorded fixture give a transcript or a service error (exit 5), nothing else', () => {
    const failures: string[] = [];
    for (const mutant of mutants(fixtureTexts('prerecorded-'), 200, SEED + 1)) {
      try {
        const answer = parsePrerecordedAnswer(mutant.text);
        const words = answer.results.channels.flatMap((channel) => channel.alternatives.flatMap((alternative) => alternative.words));
        if (!words.every((word) => Number.isFinite(word.start) && word.end >= word.start && controlCharacters(word.punctuated_word ?? word.word).length === 0))
          failures.push(`${mutant.label}: bad word`);
      } catch (error) {
        if (!(error instanceof TranscribeError && error.exitCode === 5)) failures.push(`${mutant.label}: threw ${String(error)}`);
      }
    }
    expect(failures, `FUZZ_SEED=${SEED + 1}`).toEqual([]);
  });
});
