import { afterEach, describe, expect, it } from 'vitest';
import {
  expectedLines,
  expectedUtterances,
  scriptFromText,
  startDeepgramServer,
  type DeepgramServer,
  type ScriptWord,
} from '../support/deepgram-server/index.js';
import { connect, LINEAR16, transcriptOf, type Message } from './live-client.js';

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('scriptFromText', () => {
  it('spaces words evenly and pauses after each sentence', () => {
    expect(scriptFromText('Hello world. Bye.', { startAt: 0.5, wordSec: 0.4, gapSec: 0.05, pauseAfterSentenceSec: 1.0 })).toEqual([
      { text: 'Hello', start: 0.5, end: 0.9 },
      { text: 'world.', start: 0.95, end: 1.35 },
      { text: 'Bye.', start: 2.35, end: 2.75 },
    ]);
  });

  it('defaults: first word at 0.5 s, 0.4 s words that touch, 1 s after a sentence; optional speaker', () => {
    expect(scriptFromText('Yes? No!', { speaker: 2 })).toEqual([
      { text: 'Yes?', start: 0.5, end: 0.9, speaker: 2 },
      { text: 'No!', start: 1.9, end: 2.3, speaker: 2 },
    ]);
  });

  it('optional channel', () => {
    expect(scriptFromText('Hi.', { channel: 1 })).toEqual([{ text: 'Hi.', start: 0.5, end: 0.9, channel: 1 }]);
  });
});

describe('script checks (startDeepgramServer)', () => {
  it('refuses words of one channel that overlap, and bad channel numbers', async () => {
    const overlap = [
      { text: 'a', start: 0, end: 1, channel: 1 },
      { text: 'b', start: 0.5, end: 1.5, channel: 1 },
    ];
    await expect(startDeepgramServer({ script: overlap })).rejects.toThrow('script words "a" and "b" overlap');
    await expect(startDeepgramServer({ script: [{ text: 'a', start: 0, end: 1, channel: -1 }] })).rejects.toThrow(/channel -1/);
    await expect(startDeepgramServer({ script: [{ text: 'a', start: 0, end: 1, channel: 0.5 }] })).rejects.toThrow(/channel 0.5/);
    await expect(startDeepgramServer({ script: [{ text: 'a', start: 1, end: 0 }] })).rejects.toThrow(/ends before it starts/);
  });

  it('accepts words of different channels that overlap (crosstalk)', async () => {
    server = await startDeepgramServer({
      script: [
        { text: 'a', start: 0, end: 1 },
        { text: 'b', start: 0.5, end: 1.5, channel: 1 },
      ],
    });
    expect(server.port).toBeGreaterThan(0);
  });
});

describe('expectedLines', () => {
  const script = scriptFromText('Hello, world. How are you? Fine.', { gapSec: 0.2, pauseAfterSentenceSec: 1.2 });

  it.each<[string, Parameters<typeof expectedLines>[1], string[]]>([
    ['default 10 ms endpointing splits at every 0.2 s gap', {}, ['Hello,', 'world.', 'How', 'are', 'you?', 'Fine.']],
    ['300 ms endpointing splits at sentences', { endpointingMs: 300 }, ['Hello, world.', 'How are you?', 'Fine.']],
    ['bare words', { endpointingMs: 300, punctuated: false }, ['hello world', 'how are you', 'fine']],
    ['endpointing off: one line', { endpointingMs: false }, ['Hello, world. How are you? Fine.']],
    // The UtteranceEnd after "world." waits for its final, which comes only at 5 s (maxSegmentSec).
    ['endpointing off, UtteranceEnd after 1 s', { endpointingMs: false, utteranceEndMs: 1000 }, ['Hello, world. How are you?', 'Fine.']],
    [
      'endpointing off, UtteranceEnd, short segments',
      { endpointingMs: false, utteranceEndMs: 1000, maxSegmentSec: 1 },
      ['Hello, world.', 'How are you?', 'Fine.'],
    ],
  ])('%s', (_case, options, lines) => {
    expect(expectedLines(script, options)).toEqual(lines);
  });

  it('is empty for an empty script', () => {
    expect(expectedLines([])).toEqual([]);
  });
});

describe('expectedUtterances', () => {
  // Channel 0: Hello, 0.5-0.9 | world. 0.9-1.3 | Bye. 2.3-2.7
  // Channel 1: Hi 1.0-1.4 | there. 1.4-1.8 (overlaps "world.": fine on another channel)
  const script: ScriptWord[] = [
    ...scriptFromText('Hello, world. Bye.', { speaker: 0 }),
    ...scriptFromText('Hi there.', { startAt: 1.0, channel: 1, speaker: 3 }),
  ];

  it('multichannel: one line per utterance and channel, in the order they end', () => {
    expect(expectedUtterances(script, { multichannel: true, endpointingMs: 300 })).toEqual([
      { channel: 0, text: 'Hello, world.', start: 0.5, end: 1.3, endedAt: 1.6, speakers: [0] },
      { channel: 1, text: 'Hi there.', start: 1.0, end: 1.8, endedAt: 2.1, speakers: [3] },
      { channel: 0, text: 'Bye.', start: 2.3, end: 2.7, endedAt: 3.0, speakers: [0] },
    ]);
  });

  it('without multichannel the channels are one stream (channel 0), as the server downmixes them', () => {
    expect(expectedUtterances(script, { endpointingMs: 300 })).toEqual([
      { channel: 0, text: 'Hello, world. Hi there.', start: 0.5, end: 1.8, endedAt: 2.1, speakers: [0, 3] },
      { channel: 0, text: 'Bye.', start: 2.3, end: 2.7, endedAt: 3.0, speakers: [0] },
    ]);
    expect(expectedLines(script, { endpointingMs: 300 })).toEqual(['Hello, world. Hi there.', 'Bye.']);
  });

  it('on equal end times, channel 0 comes first; channels >= `channels` are never heard', () => {
    const twins = [...scriptFromText('One.'), ...scriptFromText('Two.', { channel: 1 }), ...scriptFromText('Three.', { channel: 2 })];
    expect(expectedUtterances(twins, { multichannel: true, channels: 2, punctuated: false }).map((u) => [u.channel, u.text])).toEqual([
      [0, 'one'],
      [1, 'two'],
    ]);
    expect(expectedUtterances(twins, { multichannel: true }).map((u) => u.channel)).toEqual([0, 1, 2]);
    expect(expectedUtterances(twins, { multichannel: true, channels: 1 }).map((u) => u.text)).toEqual(['One. Two. Three.']);
  });

  it('is empty for an empty script', () => {
    expect(expectedUtterances([], { multichannel: true })).toEqual([]);
  });
});

/** A minimal correct client: finals accumulate, speech_final or UtteranceEnd ends the line, so does the close. */
function linesOf(messages: Message[]): string[] {
  const lines: string[] = [];
  let words: string[] = [];
  const flush = (): void => {
    if (words.length > 0) lines.push(words.join(' '));
    words = [];
  };
  for (const message of messages) {
    if (message.type === 'Results' && message.is_final && transcriptOf(message) !== '') words.push(transcriptOf(message));
    if ((message.type === 'Results' && message.speech_final) || message.type === 'UtteranceEnd') flush();
  }
  flush();
  return lines;
}

describe('expectedLines agrees with what the server sends', () => {
  const script: ScriptWord[] = scriptFromText('So this is a long first sentence that runs past five seconds of audio. Short one. And the end!', {
    gapSec: 0.1,
    pauseAfterSentenceSec: 1.5,
  });
  it.each([
    ['endpointing=300, smart_format', '&endpointing=300&smart_format=true', { endpointingMs: 300 }],
    ['default endpointing, bare words', '', { punctuated: false }],
    [
      'endpointing=false + utterance_end_ms',
      '&endpointing=false&interim_results=true&utterance_end_ms=1000&punctuate=true',
      { endpointingMs: false as const, utteranceEndMs: 1000 },
    ],
    ['Finalize in the middle does not change the lines', '&endpointing=300&smart_format=true', { endpointingMs: 300 }, 2.2],
  ])('%s', async (_case, query, options, finalizeAt?: number) => {
    server = await startDeepgramServer({ script });
    const client = await connect(server, `${LINEAR16}${query}`);
    const end = (script.at(-1)?.end ?? 0) + 2;
    if (finalizeAt !== undefined) {
      client.sendAudio(finalizeAt);
      client.sendJson({ type: 'Finalize' });
      client.sendAudio(end - finalizeAt);
    } else {
      client.sendAudio(end);
    }
    await client.closeStream();
    expect(linesOf(client.messages)).toEqual(expectedLines(script, options));
  });
});
