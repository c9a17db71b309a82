import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import type { WebSocketFactory } from '../../src/deepgram/session.js';

const BYTES_PER_SECOND = 32000; // 16 kHz mono linear16, what the unit tests stream

/**
 * One client socket, shaped like ws's WebSocket as far as LiveSession uses it, with the server's
 * side as methods (accept, say, drop). Events come on a later turn, as ws's do.
 */
export class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 0;
  bufferedAmount = 0;
  audioBytes = 0;
  /** The `type` of every text frame the client sent (KeepAlive, Finalize, CloseStream). */
  readonly controls: string[] = [];
  closeCode: number | undefined;

  constructor(readonly index: number) {
    super();
  }

  get audioSeconds(): number {
    return this.audioBytes / BYTES_PER_SECOND;
  }

  // The client's side (what LiveSession calls).
  send(data: Buffer | string, _options?: unknown, callback?: () => void): void {
    if (typeof data === 'string') this.controls.push((JSON.parse(data) as { type: string }).type);
    else this.audioBytes += data.length;
    if (callback) queueMicrotask(callback);
  }

  terminate(): void {
    setImmediate(() => this.drop(1006));
  }

  // The server's side.
  accept(requestId = `request-${this.index}`): void {
    this.readyState = 1;
    this.emit('upgrade', { headers: { 'dg-request-id': requestId } });
    this.emit('open');
  }

  refuse(code = 'ECONNREFUSED'): void {
    this.emit('error', Object.assign(new Error(`connect ${code}`), { code }));
  }

  say(message: object): void {
    if (this.readyState === 1) this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }

  /** A final whose one word ends at `end` seconds of this connection's audio. */
  final(start: number, end: number, word = 'word'): void {
    this.say(finalResults(start, end, word));
  }

  metadata(duration = this.audioSeconds): void {
    this.say({ type: 'Metadata', request_id: `request-${this.index}`, duration, channels: 1, created: '', sha256: '', models: [], model_info: {} });
  }

  /** Flux: a TurnInfo of `event` saying `text`, over [start, end] of this connection's audio. */
  turn(event: string, text: string, start: number, end: number, more: Record<string, unknown> = {}): void {
    const words = text
      .split(' ')
      .filter(Boolean)
      .map((word) => ({ word, confidence: 0.9 }));
    this.say({
      type: 'TurnInfo',
      event,
      turn_index: 0,
      audio_window_start: start,
      audio_window_end: end,
      transcript: text,
      words,
      end_of_turn_confidence: 0.5,
      ...more,
    });
  }

  drop(code: number, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.closeCode = code;
    this.emit('close', code, Buffer.from(reason));
  }
}

export function finalResults(start: number, end: number, word: string): object {
  const words = word ? [{ word, punctuated_word: word, start: Math.max(start, end - 0.3), end, confidence: 0.9 }] : [];
  return {
    type: 'Results',
    channel_index: [0, 1],
    start,
    duration: end - start,
    is_final: true,
    speech_final: true,
    channel: { alternatives: [{ transcript: word, confidence: 0.9, words }] },
    metadata: { request_id: 'r', model_info: { name: 'nova-3', version: '1', arch: 'nova-3' }, model_uuid: 'u' },
  };
}

/** The server end of the fake: every connection the client opens, and what to do with a new one. */
export class FakeDeepgram {
  readonly sockets: FakeSocket[] = [];
  /** By default a new connection is accepted on the next turn. */
  onConnect: (socket: FakeSocket) => void = (socket) => setImmediate(() => socket.accept());

  readonly factory: WebSocketFactory = async () => {
    const socket = new FakeSocket(this.sockets.length);
    this.sockets.push(socket);
    this.onConnect(socket);
    return socket as unknown as WebSocket;
  };

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no connection yet');
    return socket;
  }
}
