import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLOSE, scriptFromText } from '../support/deepgram-server/index.js';
import { connect, finals, LINEAR16, transcriptOf, serverPerTest, wavHeader } from './live-client.js';

const start = serverPerTest();

describe('audio accounting', () => {
  it('logs every frame, the concatenated audio and its sha256', async () => {
    const dg = await start();
    const client = await connect(dg);
    const audio = randomBytes(10_000);
    client.sendBytes(audio, 3000);
    await client.closeStream();
    const log = await dg.waitForClose(0);
    expect(log.frames.map((f) => f.bytes)).toEqual([3000, 3000, 3000, 1000]);
    expect(log.frames.every((f, i) => f.at >= (log.frames[i - 1]?.at ?? 0))).toBe(true);
    expect(log.audioBytes).toBe(10_000);
    expect(log.audio.equals(audio)).toBe(true);
    expect(log.sha256).toBe(createHash('sha256').update(audio).digest('hex'));
    expect(log.audioSeconds).toBe(10_000 / 32_000);
  });

  it('an empty connection has the sha256 of nothing', async () => {
    const dg = await start();
    const client = await connect(dg);
    await client.closeStream();
    expect((await dg.waitForClose(0)).sha256).toBe(createHash('sha256').digest('hex'));
  });

  it.each([
    ['linear16 16 kHz mono', LINEAR16, 32_000],
    ['linear16 16 kHz stereo', `${LINEAR16}&channels=2`, 64_000],
    ['linear16 48 kHz mono', 'encoding=linear16&sample_rate=48000', 96_000],
    ['linear32 16 kHz mono', 'encoding=linear32&sample_rate=16000', 64_000],
    ['mulaw 8 kHz', 'encoding=mulaw&sample_rate=8000', 8000],
    ['alaw 8 kHz', 'encoding=alaw&sample_rate=8000', 8000],
  ])('audioSeconds for %s', async (_case, query, bytesPerSecond) => {
    const dg = await start();
    const client = await connect(dg, query);
    client.sendBytes(Buffer.alloc(48_000));
    await client.closeStream();
    const log = await dg.waitForClose(0);
    expect(log.audioSeconds).toBeCloseTo(48_000 / bytesPerSecond, 9);
    expect(client.messages.at(-1)).toMatchObject({ type: 'Metadata', duration: Number((48_000 / bytesPerSecond).toFixed(6)) });
  });

  it('hears the script in a WAV sent without encoding (container mode), timed from the header', async () => {
    const dg = await start({ script: scriptFromText('Hello world.') });
    const client = await connect(dg, 'channels=1');
    const samples = Buffer.alloc(2 * 48_000 * 2 * 2); // 2 s of 48 kHz stereo 16-bit
    client.sendBytes(Buffer.concat([wavHeader(48_000, 2, samples.length), samples]), 9600);
    await client.closeStream();
    const log = await dg.waitForClose(0);
    expect(log.audioSeconds).toBe(2);
    expect(finals(client.messages).map(transcriptOf)).toEqual(['hello world', '']);
    expect(client.messages.at(-1)).toMatchObject({ type: 'Metadata', duration: 2, channels: 2 });
  });

  it.each([
    ['MP3 with ID3', Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1')],
    ['FLAC', Buffer.from('fLaC\x00\x00\x00\x22\x00\x00\x00\x00', 'latin1')],
    ['Ogg', Buffer.from('OggS\x00\x02\x00\x00\x00\x00\x00\x00', 'latin1')],
    ['WebM', Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['MP4', Buffer.from('\x00\x00\x00\x20ftypM4A \x00', 'latin1')],
  ])('accepts %s in container mode (duration not modelled: counted as 0 s)', async (_case, head) => {
    const dg = await start();
    const client = await connect(dg, '');
    client.sendBytes(Buffer.concat([head, Buffer.alloc(5000)]));
    expect((await client.closeStream()).code).toBe(1000);
    expect((await dg.waitForClose(0)).audioSeconds).toBe(0);
  });

  it('closes 1008 DATA-0000 (after Metadata) when container-mode audio is no known container', async () => {
    const dg = await start();
    const client = await connect(dg, '');
    client.sendAudio(0.5); // raw PCM without encoding=linear16
    const close = await client.closed;
    expect(close).toEqual(CLOSE.undecodable);
    expect(close.reason).toMatch(/dpgr\.am\/data0000/);
    expect(client.messages.map((m) => m.type)).toEqual(['Metadata']);
  });

  it('waits for enough bytes before judging the container', async () => {
    const dg = await start();
    const client = await connect(dg, '');
    const wav = Buffer.concat([wavHeader(16_000, 1, 32_000), Buffer.alloc(32_000)]);
    client.sendBytes(wav, 5); // the header trickles in
    expect((await client.closeStream()).code).toBe(1000);
    expect((await dg.waitForClose(0)).audioSeconds).toBe(1);
  });
});
