import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scriptFromText } from '../support/deepgram-server/index.js';
import { connect, finals, LINEAR16, results, transcriptOf, type Message, serverPerTest } from './live-client.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../fixtures/deepgram/${name}.json`, import.meta.url), 'utf8'));

const start = serverPerTest();

/** One readable line per message: what a timeline assertion needs and nothing else. */
function summary(message: Message): string {
  switch (message.type) {
    case 'Results': {
      const flags = [message.is_final && 'final', message.speech_final && 'speech_final', message.from_finalize && 'from_finalize'];
      return `Results ${message.start}+${message.duration} ${flags.filter(Boolean).join(' ') || 'interim'} "${transcriptOf(message)}"`;
    }
    case 'SpeechStarted':
      return `SpeechStarted ${message.timestamp}`;
    case 'UtteranceEnd':
      return `UtteranceEnd ${message.last_word_end}`;
    default:
      return String(message.type);
  }
}

// Hello, 0.5-0.9 | world. 0.9-1.3 | (1.5 s pause) | Bye 2.8-3.2 | now. 3.2-3.6
const TWO_SENTENCES = scriptFromText('Hello, world. Bye now.', { pauseAfterSentenceSec: 1.5 });
const FULL_QUERY = `${LINEAR16}&interim_results=true&endpointing=300&utterance_end_ms=1000&vad_events=true&smart_format=true`;

describe('a scripted run (16 kHz linear16 silence in 100 ms frames)', () => {
  it('sends interims, finals, speech_final, SpeechStarted and UtteranceEnd on the audio timeline', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connect(dg, FULL_QUERY);
    client.sendAudio(5);
    const close = await client.closeStream();

    expect(client.messages.map(summary)).toEqual([
      'SpeechStarted 0.5',
      'Results 0+1 interim "Hello,"',
      'Results 0+1.6 final speech_final "Hello, world."', // 1.3 + 300 ms and "Bye" starts later
      'Results 1.6+0.4 interim ""', // interims keep coming in silence
      'UtteranceEnd 1.3', // 1.3 + 1000 ms
      'SpeechStarted 2.8',
      'Results 1.6+1.4 interim ""', // "Bye" is heard once the audio reaches its end (3.2)
      'Results 1.6+2.3 final speech_final "Bye now."',
      'Results 3.9+0.1 interim ""',
      'UtteranceEnd 3.6',
      'Results 3.9+1.1 interim ""',
      'Results 3.9+1.1 final speech_final ""', // CloseStream finalizes the tail, empty here
      'Metadata',
    ]);
    expect(close).toEqual({ code: 1000, reason: '' });
  });

  it('gives the same messages whatever the frame size', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const run = async (frameBytes: number): Promise<string[]> => {
      const client = await connect(dg, FULL_QUERY);
      client.sendAudio(5, frameBytes);
      await client.closeStream();
      return client.messages.map(summary);
    };
    const in100ms = await run(3200);
    expect(await run(1234)).toEqual(in100ms);
    expect(await run(32_000)).toEqual(in100ms);
  });

  it('copies the field sets and order of the real messages', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connect(dg, `${FULL_QUERY}&model=nova-2-phonecall`);
    client.sendAudio(5);
    await client.closeStream();
    const byType = (type: string): Message => client.messages.find((m) => m.type === type);
    const keys = (value: object): string[] => Object.keys(value);

    const final: Message = finals(client.messages)[0];
    const real = fixture('live-results-final-speech-final') as Message;
    expect(keys(final)).toEqual(keys(real));
    expect(keys(final.channel.alternatives[0])).toEqual(keys(real.channel.alternatives[0]));
    expect(keys(final.channel.alternatives[0].words[0])).toEqual(keys(real.channel.alternatives[0].words[0]));
    expect(keys(final.metadata)).toEqual(keys(real.metadata));
    expect(final.metadata).toEqual({ ...real.metadata, request_id: dg.connections[0]?.requestId });
    expect(final.channel_index).toEqual([0, 1]);
    expect(keys(byType('UtteranceEnd'))).toEqual(keys(fixture('live-utterance-end')));
    expect(keys(byType('SpeechStarted'))).toEqual(keys(fixture('live-speech-started')));

    const metadata = byType('Metadata');
    const realMetadata = fixture('live-metadata-full') as Message;
    expect(keys(metadata)).toEqual(keys(realMetadata));
    expect(metadata).toMatchObject({ transaction_key: 'deprecated', sha256: 'incomplete', duration: 5, channels: 1 });
    expect(metadata.models).toEqual(realMetadata.models);
    expect(metadata.model_info).toEqual(realMetadata.model_info);
    expect(metadata.request_id).toBe(dg.connections[0]?.requestId);
    expect(Date.parse(metadata.created)).toBe(dg.connections[0]?.openedAt);
  });

  it('reports words with times, confidence and the punctuated form', async () => {
    const script = [
      { text: 'Hello,', start: 0.5, end: 0.9, confidence: 0.8 },
      { text: "We'll", start: 0.9, end: 1.2 },
    ];
    const dg = await start({ script });
    const client = await connect(dg, `${LINEAR16}&punctuate=true`);
    client.sendAudio(1.5);
    await client.closeStream();
    const alternative = finals(client.messages)[0].channel.alternatives[0];
    expect(alternative.transcript).toBe("Hello, We'll");
    expect(alternative.confidence).toBe(0.895);
    expect(alternative.words).toEqual([
      { word: 'hello', start: 0.5, end: 0.9, confidence: 0.8, punctuated_word: 'Hello,' },
      { word: "we'll", start: 0.9, end: 1.2, confidence: 0.99, punctuated_word: "We'll" },
    ]);
  });

  it('without smart_format or punctuate, transcripts are the lowercase bare words', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connect(dg, LINEAR16);
    client.sendAudio(4);
    await client.closeStream();
    expect(finals(client.messages).map(transcriptOf)).toEqual(['hello world', 'bye now', '']);
    const words = finals(client.messages)[0].channel.alternatives[0].words;
    expect(words.map((w: Message) => [w.word, w.punctuated_word])).toEqual([
      ['hello', 'hello'],
      ['world', 'world'],
    ]);
    // Deepgram's default endpointing is 10 ms: "world." ends at 1.3, the final comes at 1.31.
    expect(finals(client.messages)[0]).toMatchObject({ start: 0, duration: 1.31, speech_final: true });
  });

  it('with diarize=true every word carries its speaker (default 0)', async () => {
    const script = [
      { text: 'Hi.', start: 0.2, end: 0.5, speaker: 0 },
      { text: 'Hello.', start: 0.5, end: 0.9, speaker: 1 },
      { text: 'Bye.', start: 0.9, end: 1.2 },
    ];
    const dg = await start({ script });
    const client = await connect(dg, `${LINEAR16}&diarize=true&smart_format=true`);
    client.sendAudio(1.5);
    await client.closeStream();
    const words = finals(client.messages)[0].channel.alternatives[0].words;
    expect(words.map((w: Message) => [w.punctuated_word, w.speaker])).toEqual([
      ['Hi.', 0],
      ['Hello.', 1],
      ['Bye.', 0],
    ]);
    expect(Object.keys(words[0])).toEqual(['word', 'start', 'end', 'confidence', 'speaker', 'punctuated_word']);
  });

  it('finalizes a long segment without ending the utterance (is_final, not speech_final)', async () => {
    // 15 words of 0.4 s with no pause, from 0.5 to 6.5.
    const script = scriptFromText('one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen');
    const dg = await start({ script, maxSegmentSec: 5 });
    const client = await connect(dg, LINEAR16);
    client.sendAudio(7);
    await client.closeStream();
    expect(finals(client.messages).map(summary)).toEqual([
      'Results 0+5 final "one two three four five six seven eight nine ten eleven"',
      'Results 5+1.51 final speech_final "twelve thirteen fourteen fifteen"',
      'Results 6.51+0.49 final speech_final ""',
    ]);
  });

  it('an UtteranceEnd never comes before the final of its last word ("gap after the last finalized word")', async () => {
    const dg = await start({ script: TWO_SENTENCES, maxSegmentSec: 3 });
    const client = await connect(dg, `${LINEAR16}&endpointing=false&interim_results=true&utterance_end_ms=1000&smart_format=true`);
    client.sendAudio(5);
    await client.closeStream();
    const notInterim = client.messages.filter((m) => m.type !== 'Results' || m.is_final);
    expect(notInterim.map(summary)).toEqual([
      'Results 0+3 final "Hello, world."', // the gap after "world." was long enough at 2.3 s...
      'UtteranceEnd 1.3', // ...but the UtteranceEnd waits for this final
      'Results 3+2 final speech_final "Bye now."',
      'UtteranceEnd 3.6',
      'Metadata',
    ]);
  });

  it('with endpointing=false only long segments and CloseStream finalize', async () => {
    const dg = await start({ script: TWO_SENTENCES, maxSegmentSec: 3 });
    const client = await connect(dg, `${LINEAR16}&endpointing=false&smart_format=true`);
    client.sendAudio(4);
    await client.closeStream();
    expect(finals(client.messages).map(summary)).toEqual(['Results 0+3 final "Hello, world."', 'Results 3+1 final speech_final "Bye now."']);
  });
});

describe('control messages', () => {
  it('Finalize flushes heard words with from_finalize, even an empty final, and keeps the socket', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connect(dg, `${LINEAR16}&endpointing=500&smart_format=true`);
    client.sendAudio(1); // "Hello," heard at 0.9; "world." not yet
    client.sendJson({ type: 'Finalize' });
    await client.waitFor((m) => m.from_finalize);
    client.sendJson({ type: 'Finalize' });
    client.sendAudio(1); // "world." heard at 1.3, endpoint at 1.8
    const close = await client.closeStream();

    expect(client.messages.map(summary)).toEqual([
      'Results 0+1 final from_finalize "Hello,"',
      'Results 1+0 final from_finalize ""',
      'Results 1+0.8 final speech_final "world."',
      'Results 1.8+0.2 final speech_final ""',
      'Metadata',
    ]);
    expect(close.code).toBe(1000);
    expect(dg.connections[0]?.textFrames).toEqual([{ type: 'Finalize' }, { type: 'Finalize' }, { type: 'CloseStream' }]);
  });

  it('CloseStream sends the pending words as the last Results, then Metadata, then closes 1000', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connect(dg, `${LINEAR16}&endpointing=false&smart_format=true`);
    client.sendAudio(1.5);
    const close = await client.closeStream();

    expect(client.messages.map(summary)).toEqual(['Results 0+1.5 final speech_final "Hello, world."', 'Metadata']);
    expect(client.messages[0].from_finalize).toBe(false);
    expect(client.messages[1]).toMatchObject({ type: 'Metadata', duration: 1.5, channels: 1 });
    expect(close).toEqual({ code: 1000, reason: '' });
    const log = await dg.waitForClose(0);
    expect(log).toMatchObject({ closedBy: 'server', closeCode: 1000, closeReason: '' });
    expect(log.sent.map((s) => (s.message as Message).type)).toEqual(['Results', 'Metadata']);
  });

  it('CloseStream with no audio: only Metadata, without models (live-metadata-no-audio.json)', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connect(dg);
    await client.closeStream();
    expect(client.messages).toHaveLength(1);
    expect(Object.keys(client.messages[0])).toEqual(Object.keys(fixture('live-metadata-no-audio')));
    expect(client.messages[0]).toMatchObject({ type: 'Metadata', duration: 0, channels: 1 });
  });

  it('an empty binary frame is the deprecated close signal; later audio is ignored', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connect(dg, `${LINEAR16}&endpointing=false`);
    client.sendAudio(1.5);
    client.ws.send(Buffer.alloc(0));
    client.sendAudio(1);
    expect((await client.closed).code).toBe(1000);
    const log = await dg.waitForClose(0);
    expect(log.binaryEmptyFrames).toBe(1);
    expect(log.audioBytes).toBe(48_000);
    expect(finals(client.messages).map(transcriptOf)).toEqual(['hello world']);
  });

  it('ignores non-JSON text and unknown control messages, but logs them', async () => {
    const dg = await start();
    const client = await connect(dg);
    client.ws.send('hello?');
    client.sendJson({ type: 'Mystery' });
    client.sendJson({ type: 'KeepAlive' });
    await client.closeStream();
    const log = await dg.waitForClose(0);
    expect(log.textFrames).toEqual(['hello?', { type: 'Mystery' }, { type: 'KeepAlive' }, { type: 'CloseStream' }]);
    expect(log.textFrameLog.map((f) => f.text)).toEqual(['hello?', '{"type":"Mystery"}', '{"type":"KeepAlive"}', '{"type":"CloseStream"}']);
    expect(results(client.messages)).toEqual([]);
  });
});
