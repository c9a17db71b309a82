import { describe, expect, it } from 'vitest';
import { FLUX } from '../../src/deepgram/protocol.js';
import { startStream } from '../support/stream-harness.js';

/** The Flux stream on a fake clock and a fake server: the end of a turn, the end of a stream, stalls and replays. */
describe('runStream with Flux: the last turn is never lost', () => {
  it('at the end of the audio, ForceEndTurn ends the turn under way; then CloseStream; a close without status is a clean end', async () => {
    const run = startStream({ seconds: 3, protocol: FLUX, speed: 1 });
    await run.clock.advance(2000);
    run.server.last.turn('StartOfTurn', '', 0.5, 0.75);
    run.server.last.turn('Update', 'Almost there', 0.5, 2.5);
    await run.clock.until(() => run.server.last.controls.includes('ForceEndTurn'), 2000);
    expect(run.server.last.controls).toEqual(['ForceEndTurn']); // not yet CloseStream: it would drop the turn
    run.server.last.turn('EndOfTurn', 'Almost there.', 0.5, 3, { trigger: 'manual' });
    await run.clock.until(() => run.server.last.controls.includes('CloseStream'), 1000);
    run.server.last.drop(1005);
    await run.clock.until(() => run.outcome() !== undefined, 1000);
    expect(run.outcome()).toBe(0);
    expect(run.server.last.controls).toEqual(['ForceEndTurn', 'CloseStream']); // no KeepAlive, no Finalize: v2 has neither
    expect(run.events).toEqual(['open', 'turn start 0', 'final Almost there.', 'turn end 0 manual', 'close 0 end']);
  });

  it('a server that ignores ForceEndTurn (self-hosted Flux) costs a bounded wait, and the last Update is kept', async () => {
    const run = startStream({ seconds: 2, protocol: FLUX, speed: 1 });
    await run.clock.advance(1000);
    run.server.last.turn('StartOfTurn', '', 0, 0.25);
    run.server.last.turn('Update', 'Kept anyway', 0, 2);
    await run.clock.until(() => run.server.last.controls.includes('ForceEndTurn'), 2000);
    const waited = await run.clock.until(() => run.server.last.controls.includes('CloseStream'), 10_000);
    expect(waited).toBe(3000);
    run.server.last.drop(1005);
    await run.clock.until(() => run.outcome() !== undefined, 1000);
    expect(run.outcome()).toBe(0);
    expect(run.events).toEqual(['open', 'turn start 0', 'final Kept anyway', 'close 0 end']);
  });

  it('no turn heard: ForceEndTurn all the same (Flux ignores it when no turn is active), then CloseStream at once', async () => {
    const run = startStream({ seconds: 2, protocol: FLUX });
    await run.clock.until(() => run.server.sockets[0]?.audioSeconds === 2, 1000);
    run.server.last.turn('Update', '', 0, 2);
    const waited = await run.clock.until(() => run.server.last.controls.includes('CloseStream'), 1000);
    expect(run.server.last.controls).toEqual(['ForceEndTurn', 'CloseStream']);
    expect(waited).toBe(0); // no turn to wait for
  });

  it('a turn the server has not reported yet is ended before CloseStream, and its EndOfTurn is printed', async () => {
    // At --speed max (or with Ctrl+C right after words), all audio is out before the server's first message about the
    // last turn: CloseStream alone would drop that turn on Flux.
    const run = startStream({ seconds: 2, protocol: FLUX });
    await run.clock.until(() => run.server.sockets[0]?.controls.includes('CloseStream') ?? false, 1000);
    expect(run.server.last.controls).toEqual(['ForceEndTurn', 'CloseStream']);
    run.server.last.turn('StartOfTurn', '', 1, 1.25);
    run.server.last.turn('EndOfTurn', 'Just in time.', 1, 2, { trigger: 'manual' });
    run.server.last.drop(1005);
    await run.clock.until(() => run.outcome() !== undefined, 1000);
    expect(run.outcome()).toBe(0);
    expect(run.events).toEqual(['open', 'turn start 0', 'final Just in time.', 'turn end 0 manual', 'close 0 end']);
  });

  it('Ctrl+C inside a turn: one ForceEndTurn, its EndOfTurn printed, exit 130', async () => {
    const run = startStream({ seconds: 60, protocol: FLUX, microphone: true, live: true });
    await run.clock.advance(2000);
    run.server.last.turn('StartOfTurn', '', 0.5, 0.75);
    run.server.last.turn('Update', 'Stop right', 0.5, 1.9);
    await run.clock.advance(100);
    run.signal('SIGINT');
    await run.clock.until(() => run.server.last.controls.includes('ForceEndTurn'), 1000);
    run.server.last.turn('EndOfTurn', 'Stop right there.', 0.5, 2.1, { trigger: 'manual' });
    await run.clock.until(() => run.server.last.controls.includes('CloseStream'), 1000);
    run.server.last.drop(1005);
    await run.clock.until(() => run.outcome() !== undefined, 2000);
    expect(run.outcome()).toBe(130);
    expect(run.server.last.controls).toEqual(['ForceEndTurn', 'CloseStream']);
    expect(run.events).toEqual(['open', 'turn start 0', 'final Stop right there.', 'turn end 0 manual', 'close 130 interrupted']);
  });

  it('a socket that stays open and says nothing for 10 s while audio goes out is a stall: reconnect', async () => {
    const run = startStream({ seconds: 60, protocol: FLUX, microphone: true, live: true });
    await run.clock.until(() => run.server.sockets.length === 2, 20_000);
    expect(run.clock.now()).toBeLessThan(11_500);
    expect(run.notices[0]).toBe('transcribe: no answer from Deepgram for 10 s; reconnecting (attempt 1)...');
  });

  it('a drop replays the audio after the last EndOfTurn, and the new turns land on one timeline', async () => {
    const run = startStream({ seconds: 4, protocol: FLUX });
    await run.clock.until(() => run.server.sockets[0]?.audioSeconds === 4, 1000);
    run.server.last.turn('StartOfTurn', '', 0, 0.25);
    run.server.last.turn('EndOfTurn', 'First.', 0, 2, { trigger: 'model' });
    run.server.last.turn('StartOfTurn', '', 2, 2.25);
    run.server.last.turn('Update', 'Lost in the drop', 2, 3.5);
    run.server.last.drop(1011);
    await run.clock.until(() => run.server.sockets.length === 2 && run.server.last.audioSeconds === 2, 5000);
    run.server.last.turn('StartOfTurn', '', 0, 0.25, { turn_index: 0 });
    run.server.last.turn('EndOfTurn', 'Second, heard again.', 0, 2, { trigger: 'model' });
    await run.clock.until(() => run.server.last.controls.includes('CloseStream'), 1000);
    run.server.last.drop(1005);
    await run.clock.until(() => run.outcome() !== undefined, 1000);
    expect(run.outcome()).toBe(0);
    expect(run.events.filter((event) => !event.startsWith('turn'))).toEqual([
      'open',
      'final First.',
      'reconnect [1,2,2]',
      'final Second, heard again.',
      'close 0 end',
    ]);
    expect(run.events.filter((event) => event.startsWith('turn end'))).toEqual(['turn end 0 model', 'turn end 1 model']);
  });

  it("Flux's Error message is the reason shown when the server then closes", async () => {
    const run = startStream({ seconds: 3, protocol: FLUX, speed: 1 });
    await run.clock.advance(1000);
    run.server.last.say({ type: 'Error', sequence_id: 4, code: 'INTERNAL_SERVER_ERROR', description: 'An internal error occurred.' });
    run.server.last.drop(1000);
    await run.clock.until(() => run.outcome() !== undefined, 2000);
    expect(run.outcome()).toBe('Deepgram closed the session before the audio ended: INTERNAL_SERVER_ERROR: An internal error occurred. (exit 5)');
  });
});
