/**
 * What a recognizer heard, in the project's own terms. Each engine's adapter in src/deepgram/
 * (live-v1.ts for /v1/listen, flux.ts for /v2/listen) turns its wire messages into these, checked
 * and sanitized; the transcript model, the outputs and the reconnect logic read nothing else.
 * Times are seconds of the current connection's audio (the stream core shifts them onto the
 * session timeline); every number is finite and >= 0, every string free of control characters.
 */
export interface HeardWord {
  /** As displayed: punctuated and formatted when the engine does so. */
  text: string;
  start: number;
  end: number;
  confidence: number;
  speaker?: number;
}

/** Words of one channel. `final` ones are settled; `endsUtterance` closes the utterance they belong to (v1's speech_final). */
export interface HeardWords {
  kind: 'words';
  channel: number;
  final: boolean;
  endsUtterance: boolean;
  /** The span the engine transcribed (words may be fewer: silence). */
  start: number;
  end: number;
  text: string;
  confidence: number;
  words: HeardWord[];
}

/** The end of an utterance, said apart from its words (v1's UtteranceEnd); `lastWordEnd` absent: nothing was pending. */
export interface HeardUtteranceEnd {
  kind: 'utterance-end';
  channel: number;
  lastWordEnd?: number;
}

export interface HeardSpeechStarted {
  kind: 'speech-started';
  channel: number;
  at: number;
}

/** The phases of a turn-based engine's turn (Flux): `update` is the running text, `end` the settled turn. */
export type TurnPhase = 'start' | 'update' | 'eager-end' | 'resumed' | 'end';

/** A turn-based engine's news about the current turn. Words always carry times (the adapter falls back to the audio window). */
export interface HeardTurn {
  kind: 'turn';
  phase: TurnPhase;
  /** The engine's own index, counted per connection. */
  index: number;
  /** The audio this turn covers. */
  start: number;
  end: number;
  text: string;
  words: HeardWord[];
  endConfidence: number;
  /** Why the turn ended (`end` only): model, manual, timeout, or a value the engine added later. */
  trigger?: string;
  /** Languages detected (multilingual models). */
  languages?: string[];
}

/** The audio up to `until` is settled: a reconnection need not send it again. */
export interface HeardConfirmed {
  kind: 'confirmed';
  until: number;
}

/** The engine's account of a connection, sent once before it closes (v1's Metadata). */
export interface HeardMetadata {
  kind: 'metadata';
  requestId: string;
  duration: number;
  channels: number;
  /** Model ids. */
  models?: string[];
  created?: string;
}

/** The engine reports a fatal error on this connection (Flux's `Error`): it closes next. */
export interface HeardFailure {
  kind: 'failure';
  code: string;
  description: string;
}

/** Not understood: not JSON, an unknown type, or a known type with missing or wrong fields (`reason`). `text`: its start, sanitized. */
export interface HeardUnknown {
  kind: 'unknown';
  text: string;
  reason: string;
}

export type Heard = HeardWords | HeardUtteranceEnd | HeardSpeechStarted | HeardTurn | HeardConfirmed | HeardMetadata | HeardFailure | HeardUnknown;

/** A session's account, from the engine (live) or the pre-recorded answer: what `metadata` outputs carry. */
export type SessionMetadata = Omit<HeardMetadata, 'kind'>;
