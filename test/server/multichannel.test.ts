import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  expectedUtterances,
  scriptFromText,
  type ExpectedUtterance,
  type ExpectedUtterancesOptions,
  type ScriptWord,
} from '../support/deepgram-server/index.js';
import { connect, finals, LINEAR16, silence, transcriptOf, type Message, serverPerTest, wavHeader } from './live-client.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../fixtures/deepgram/${name}.json`, import.meta.url), 'utf8'));

const start = serverPerTest();

/** One readable line per message, with its [channel,total]. */
function summary(message: Message): string {
  const tag = (index: number[]): string => `[${index.join(',')}]`;
  switch (message.type) {
    case 'Results': {
      const flags = [message.is_final && 'final', message.speech_final && 'speech_final', message.from_finalize && 'from_finalize'];
      const kind = flags.filter(Boolean).join(' ') || 'interim';
      return `${tag(message.channel_index)} Results ${message.start}+${message.duration} ${kind} "${transcriptOf(message)}"`;
    }
    case 'SpeechStarted':
      return `${tag(message.channel)} SpeechStarted ${message.timestamp}`;
    case 'UtteranceEnd':
      return `${tag(message.channel)} UtteranceEnd ${message.last_word_end}`;
    default:
      return String(message.type);
  }
}

// Channel 0: Hello, 0.5-0.9 | world. 0.9-1.3 | Bye 2.8-3.2 | now. 3.2-3.6
// Channel 1: Yes? 1.4-1.8 | Sure. 2.8-3.2 (starts together with "Bye")
const CH0 = scriptFromText('Hello, world. Bye now.', { pauseAfterSentenceSec: 1.5 });
const CH1 = scriptFromText('Yes? Sure.', { startAt: 1.4, channel: 1 });
const SCRIPT = [...CH0, ...CH1];
const STEREO = `${LINEAR16}&channels=2&multichannel=true`;
const FULL_QUERY = `${STEREO}&interim_results=true&endpointing=300&utterance_end_ms=1000&vad_events=true&smart_format=true`;

describe('multichannel=true: each channel is transcribed on its own', () => {
  it('tags every message with [channel, 2] and interleaves the channels in time order (ties: channel 0 first)', async () => {
    const dg = await start({ script: SCRIPT });
    const client = await connect(dg, FULL_QUERY);
    client.sendBytes(silence(5, 2), 6400);
    const close = await client.closeStream();

    expect(client.messages.map(summary)).toEqual([
      '[0,2] SpeechStarted 0.5',
      '[0,2] Results 0+1 interim "Hello,"',
      '[1,2] Results 0+1 interim ""', // every channel has its own interims, empty ones too
      '[1,2] SpeechStarted 1.4',
      '[0,2] Results 0+1.6 final speech_final "Hello, world."', // 1.3 + 300 ms
      '[0,2] Results 1.6+0.4 interim ""', // 2.0: channel 0 before channel 1
      '[1,2] Results 0+2 interim "Yes?"',
      '[1,2] Results 0+2.1 final speech_final "Yes?"', // 1.8 + 300 ms
      '[0,2] UtteranceEnd 1.3', // at 2.3
      '[0,2] SpeechStarted 2.8',
      '[1,2] SpeechStarted 2.8',
      '[0,2] Results 1.6+1.4 interim ""',
      '[1,2] Results 2.1+0.9 interim ""',
      '[1,2] Results 2.1+1.4 final speech_final "Sure."', // 3.5
      '[0,2] Results 1.6+2.3 final speech_final "Bye now."', // 3.9
      '[0,2] Results 3.9+0.1 interim ""',
      '[1,2] Results 3.5+0.5 interim ""',
      '[1,2] UtteranceEnd 3.2', // at 4.2
      '[0,2] UtteranceEnd 3.6', // at 4.6
      '[0,2] Results 3.9+1.1 interim ""',
      '[1,2] Results 3.5+1.5 interim ""',
      '[0,2] Results 3.9+1.1 final speech_final ""', // CloseStream: both channels, channel 0 first
      '[1,2] Results 3.5+1.5 final speech_final ""',
      'Metadata',
    ]);
    expect(client.messages.at(-1)).toMatchObject({ type: 'Metadata', duration: 5, channels: 2 });
    expect(close).toEqual({ code: 1000, reason: '' });
  });

  it('gives the same messages whatever the frame size', async () => {
    const dg = await start({ script: SCRIPT });
    const run = async (frameBytes: number): Promise<string[]> => {
      const client = await connect(dg, FULL_QUERY);
      client.sendBytes(silence(5, 2), frameBytes);
      await client.closeStream();
      return client.messages.map(summary);
    };
    const inFrames = await run(6400);
    expect(await run(1234)).toEqual(inFrames);
    expect(await run(64_000 * 5)).toEqual(inFrames);
  });

  it('UtteranceEnd and SpeechStarted carry the channel, with the field order of the real messages', async () => {
    const dg = await start({ script: SCRIPT });
    const client = await connect(dg, FULL_QUERY);
    client.sendBytes(silence(5, 2));
    await client.closeStream();
    const ofType = (type: string): Message[] => client.messages.filter((m) => m.type === type);
    expect(ofType('SpeechStarted').map((m) => [m.channel, m.timestamp])).toEqual([
      [[0, 2], 0.5],
      [[1, 2], 1.4],
      [[0, 2], 2.8],
      [[1, 2], 2.8],
    ]);
    expect(ofType('UtteranceEnd').map((m) => [m.channel, m.last_word_end])).toEqual([
      [[0, 2], 1.3],
      [[1, 2], 3.2],
      [[0, 2], 3.6],
    ]);
    expect(Object.keys(ofType('SpeechStarted')[0])).toEqual(Object.keys(fixture('live-speech-started')));
    expect(Object.keys(ofType('UtteranceEnd')[0])).toEqual(Object.keys(fixture('live-utterance-end')));
    expect(Object.keys(finals(client.messages)[0])).toEqual(Object.keys(fixture('live-results-final-speech-final')));
  });

  it('CloseStream finalizes every channel, then sends one Metadata and closes 1000', async () => {
    const dg = await start({ script: SCRIPT });
    const client = await connect(dg, `${STEREO}&endpointing=false&smart_format=true`);
    client.sendBytes(silence(2, 2));
    const close = await client.closeStream();
    expect(client.messages.map(summary)).toEqual([
      '[0,2] Results 0+2 final speech_final "Hello, world."',
      '[1,2] Results 0+2 final speech_final "Yes?"',
      'Metadata',
    ]);
    expect(client.messages[2]).toMatchObject({ duration: 2, channels: 2 });
    expect(close).toEqual({ code: 1000, reason: '' });
    expect((await dg.waitForClose(0)).audioSeconds).toBe(2); // bytes / (16000 x 2 channels x 2 bytes)
  });

  it('Finalize flushes every channel with from_finalize, even an empty final', async () => {
    const dg = await start({ script: SCRIPT });
    const client = await connect(dg, `${STEREO}&endpointing=500&smart_format=true`);
    client.sendBytes(silence(1, 2)); // channel 0 heard "Hello," (0.9); channel 1 nothing yet
    client.sendJson({ type: 'Finalize' });
    await client.waitFor((m) => m.from_finalize && m.channel_index[0] === 1);
    client.sendBytes(silence(1.5, 2));
    await client.closeStream();
    expect(client.messages.map(summary)).toEqual([
      '[0,2] Results 0+1 final from_finalize "Hello,"',
      '[1,2] Results 0+1 final from_finalize ""',
      '[0,2] Results 1+0.8 final speech_final "world."', // 1.3 + 500 ms
      '[1,2] Results 1+1.3 final speech_final "Yes?"', // 1.8 + 500 ms
      '[0,2] Results 1.8+0.7 final speech_final ""',
      '[1,2] Results 2.3+0.2 final speech_final ""',
      'Metadata',
    ]);
  });

  it('with diarize=true each channel reports the speakers of its own words', async () => {
    const script: ScriptWord[] = [
      { text: 'Hi.', start: 0.2, end: 0.5, speaker: 1 },
      { text: 'Hello.', start: 0.3, end: 0.7, channel: 1 }, // overlaps "Hi." on the other channel: fine
      { text: 'Bye.', start: 0.5, end: 0.9, speaker: 2 },
    ];
    const dg = await start({ script });
    const client = await connect(dg, `${STEREO}&diarize=true&smart_format=true`);
    client.sendBytes(silence(1.5, 2));
    await client.closeStream();
    const words = (channel: number): [string, number][] =>
      finals(client.messages)
        .filter((m) => m.channel_index[0] === channel)
        .flatMap((m) => m.channel.alternatives[0].words.map((w: Message) => [w.punctuated_word, w.speaker]));
    expect(words(0)).toEqual([
      ['Hi.', 1],
      ['Bye.', 2],
    ]);
    expect(words(1)).toEqual([['Hello.', 0]]);
  });

  it('never hears words on channels the audio does not have', async () => {
    const script = [...CH0, ...scriptFromText('Ghost.', { startAt: 0.5, channel: 2 })];
    const dg = await start({ script });
    const client = await connect(dg, `${STEREO}&smart_format=true&endpointing=300`);
    client.sendBytes(silence(4, 2));
    await client.closeStream();
    const transcripts = finals(client.messages).map((m) => `${m.channel_index.join('/')} ${transcriptOf(m)}`);
    expect(transcripts).toEqual(['0/2 Hello, world.', '0/2 Bye now.', '0/2 ', '1/2 ']);
  });

  it('takes the channel count from a WAV header in container mode', async () => {
    const dg = await start({ script: SCRIPT });
    const client = await connect(dg, 'multichannel=true&endpointing=300&smart_format=true');
    const samples = silence(4, 2);
    client.sendBytes(wavHeader(16_000, 2, samples.length), 5); // the header trickles in
    client.sendBytes(samples);
    await client.closeStream();
    expect(finals(client.messages).map((m) => `${m.channel_index.join('/')} ${transcriptOf(m)}`)).toEqual([
      '0/2 Hello, world.',
      '1/2 Yes?',
      '1/2 Sure.',
      '0/2 Bye now.',
      '0/2 ',
      '1/2 ',
    ]);
    expect(client.messages.at(-1)).toMatchObject({ type: 'Metadata', duration: 4, channels: 2 });
  });
});

describe('without multichannel=true the channels are downmixed into one stream', () => {
  it.each([
    ['channels=2', `${LINEAR16}&channels=2`, 2],
    ['channels=2&multichannel=false', `${LINEAR16}&channels=2&multichannel=false`, 2],
    ['multichannel=true with one channel', `${LINEAR16}&multichannel=true`, 1],
  ])('%s: the words of every channel make one transcript, channel_index [0,1]', async (_case, query, channels) => {
    const dg = await start({ script: SCRIPT });
    const client = await connect(dg, `${query}&endpointing=300&smart_format=true&vad_events=true`);
    client.sendBytes(silence(5, channels));
    await client.closeStream();
    expect(client.messages.map(summary)).toEqual([
      '[0,1] SpeechStarted 0.5',
      '[0,1] Results 0+2.1 final speech_final "Hello, world. Yes?"', // "Yes?" (channel 1) starts 100 ms after "world."
      '[0,1] SpeechStarted 2.8',
      '[0,1] Results 2.1+1.8 final speech_final "Bye Sure. now."', // crosstalk: in start order
      '[0,1] Results 3.9+1.1 final speech_final ""',
      'Metadata',
    ]);
    expect(client.messages.at(-1)).toMatchObject({ duration: 5, channels });
  });

  it('crosstalk: the downmix speaks until the last overlapping word ends', async () => {
    const script: ScriptWord[] = [
      { text: 'long', start: 1.0, end: 2.0 },
      { text: 'short', start: 1.2, end: 1.5, channel: 1 }, // inside "long"
      { text: 'next', start: 2.5, end: 2.9, channel: 1 },
    ];
    const dg = await start({ script });
    const client = await connect(dg, `${LINEAR16}&channels=2&endpointing=300&interim_results=true&utterance_end_ms=1000`);
    client.sendBytes(silence(4, 2));
    await client.closeStream();
    expect(client.messages.map(summary)).toEqual([
      '[0,1] Results 0+1 interim ""',
      '[0,1] Results 0+2 interim "long short"',
      '[0,1] Results 0+2.3 final speech_final "long short"', // "long" ends at 2.0: 2.0 + 300 ms, not 1.5 + 300 ms
      '[0,1] Results 2.3+0.7 interim "next"',
      '[0,1] Results 2.3+0.9 final speech_final "next"',
      '[0,1] UtteranceEnd 2.9',
      '[0,1] Results 3.2+0.8 interim ""',
      '[0,1] Results 3.2+0.8 final speech_final ""',
      'Metadata',
    ]);
  });
});

/** A correct per-channel client: finals of channel c accumulate until c's speech_final or UtteranceEnd, or the close. */
function utterancesOf(messages: Message[]): Omit<ExpectedUtterance, 'endedAt'>[] {
  const done: ReturnType<typeof utterancesOf> = [];
  const pending = new Map<number, Message[]>();
  const flush = (channel: number): void => {
    const finalsOfLine = pending.get(channel) ?? [];
    pending.delete(channel);
    const words = finalsOfLine.flatMap((m) => m.channel.alternatives[0].words);
    if (words.length === 0) return;
    done.push({
      channel,
      text: finalsOfLine.map(transcriptOf).filter(Boolean).join(' '),
      start: words[0].start,
      end: words.at(-1).end,
      speakers: [...new Set<number>(words.map((w: Message) => w.speaker ?? 0))],
    });
  };
  for (const message of messages) {
    const channel = (message.channel_index ?? message.channel)?.[0];
    if (message.type === 'Results' && message.is_final) pending.set(channel, [...(pending.get(channel) ?? []), message]);
    if ((message.type === 'Results' && message.speech_final) || message.type === 'UtteranceEnd') flush(channel);
  }
  [...pending.keys()].sort((a, b) => a - b).forEach(flush);
  return done;
}

describe('expectedUtterances agrees with what the server sends', () => {
  const script: ScriptWord[] = [
    ...scriptFromText('So this is a long first sentence that runs past five seconds of audio. Short one. And the end!', {
      gapSec: 0.1,
      pauseAfterSentenceSec: 1.5,
    }),
    ...scriptFromText('Right. I see what you mean, go on. Yes!', { startAt: 1.1, pauseAfterSentenceSec: 2.2, channel: 1, speaker: 1 }),
    ...scriptFromText('Hmm.', { startAt: 10.0, channel: 1, speaker: 2 }),
  ];
  it.each<[string, string, ExpectedUtterancesOptions]>([
    ['multichannel, endpointing=300', '&multichannel=true&endpointing=300&smart_format=true', { multichannel: true, endpointingMs: 300 }],
    ['multichannel, default endpointing, bare words', '&multichannel=true', { multichannel: true, punctuated: false }],
    [
      'multichannel, endpointing=false + utterance_end_ms',
      '&multichannel=true&endpointing=false&interim_results=true&utterance_end_ms=1000&punctuate=true',
      { multichannel: true, endpointingMs: false, utteranceEndMs: 1000 },
    ],
    ['downmixed, endpointing=300', '&endpointing=300&smart_format=true', { endpointingMs: 300 }],
  ])('%s', async (_case, query, options) => {
    const dg = await start({ script });
    const client = await connect(dg, `${LINEAR16}&channels=2&diarize=true${query}`);
    const end = Math.max(...script.map((w) => w.end)) + 2;
    client.sendBytes(silence(end, 2), 6400);
    await client.closeStream();
    const expected = expectedUtterances(script, options);
    expect(utterancesOf(client.messages)).toEqual(expected.map(({ endedAt: _endedAt, ...utterance }) => utterance));
    expect(new Set(expected.map((u) => u.channel))).toEqual(new Set(options.multichannel ? [0, 1] : [0]));
  });
});
