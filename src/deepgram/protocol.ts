import { FRAME_MS } from '../audio/format.js';
import type { Heard } from '../transcript/heard.js';
import { parseFlux } from './flux.js';
import { parseLiveV1 } from './live-v1.js';

/**
 * What the stream core needs to know of a live engine's wire protocol. Everything above the
 * socket (the session, the reconnecting connection, the transcript model, the outputs) reads
 * only this and the `Heard` events it parses, so another engine is one more of these.
 */
export interface LiveProtocol {
  readonly name: 'v1' | 'flux';
  /** One text frame from the server, in our terms; never throws. */
  parse(text: string): Heard[];
  /** Sent when no audio went out for a while; absent when the protocol has none (Flux: pausing sends silence instead). */
  readonly keepAlive?: string;
  /** Asks the server to settle what it heard so far (v1 Finalize; Flux ForceEndTurn, which ends the turn). */
  readonly finalize: string;
  /** The clean end of the audio. */
  readonly closeStream: string;
  /**
   * How a clean end shows: v1 answers CloseStream with a Metadata, then closes; Flux just closes
   * (no status code) and does not end the current turn, so the turn is ended first (`endTurnFirst`).
   */
  readonly finishedBy: 'metadata' | 'close';
  readonly endTurnFirst: boolean;
  /** Audio sent and no message for this long: a half-open socket. */
  readonly stallMs: number;
  /** Pausing must keep audio flowing (no KeepAlive): silence goes out instead. */
  readonly pauseSendsSilence: boolean;
  /** Audio per message (and per recorder write, live): what the engine's guide recommends, within what the CPU goal allows. */
  readonly frameMs: number;
}

export const LIVE_V1: LiveProtocol = {
  name: 'v1',
  parse: parseLiveV1,
  keepAlive: JSON.stringify({ type: 'KeepAlive' }),
  finalize: JSON.stringify({ type: 'Finalize' }),
  closeStream: JSON.stringify({ type: 'CloseStream' }),
  finishedBy: 'metadata',
  endTurnFirst: false,
  stallMs: 15_000,
  pauseSendsSilence: false,
  frameMs: FRAME_MS,
};

/** Flux sends an Update about every 0.25 s while audio flows: 10 s of nothing is a stalled socket (seen in the field). */
export const FLUX: LiveProtocol = {
  name: 'flux',
  parse: parseFlux,
  finalize: JSON.stringify({ type: 'ForceEndTurn' }),
  closeStream: JSON.stringify({ type: 'CloseStream' }),
  finishedBy: 'close',
  endTurnFirst: true,
  stallMs: 10_000,
  pauseSendsSilence: true,
  /** Flux's guide recommends 80 ms chunks: its end-of-turn detection reacts within one. */
  frameMs: 80,
};

/** Flux models (`flux-general-en`, `flux-general-multi`) speak /v2/listen; every other model /v1/listen. */
export function protocolFor(model: string): LiveProtocol {
  return model.startsWith('flux-') ? FLUX : LIVE_V1;
}
