// Public types of the local Deepgram-compatible live server used by the tests.

/** One word the server "hears", on the audio timeline of ONE connection (seconds). */
export interface ScriptWord {
  /** Punctuated form as Deepgram prints it with smart_format/punctuate ("Hello,", "world."). */
  text: string;
  start: number;
  end: number;
  /** Reported only with diarize=true; default 0. */
  speaker?: number;
  /**
   * Audio channel the word is spoken on; default 0. With multichannel=true and channels=N each
   * channel 0..N-1 is transcribed on its own (words on other channels are never heard);
   * otherwise the words of every channel are heard as one downmixed stream.
   */
  channel?: number;
  /** Default 0.99. */
  confidence?: number;
  /** Flux flux-general-multi: the word's language in TurnInfo `languages`; default 'en'. */
  language?: string;
}

/** Refuse the WebSocket handshake with a plain HTTP response. */
export interface HandshakeReject {
  status: number;
  /** Sent as is; default: the fixture body for the status plus request_id. */
  body?: object;
  /** Value of the dg-error header (and err_msg of the default body). */
  errorText?: string;
}

export interface DropFault {
  /** Drop once this many audio bytes have arrived. */
  bytes: number;
  /** Close code; default 1011 (NET-0000). */
  code?: number;
  reason?: string;
  /** Destroy the TCP socket with no close frame (the client sees 1006). */
  abrupt?: boolean;
}

/** `faults[i]` of the i-th attempt, live or pre-recorded. Pre-recorded honours `reject`, `dropAfterBytes` (the socket is destroyed: ECONNRESET), `stall` (the body is read, no response ever comes) and `answer`; `garbage` is ignored. */
export interface ConnectionFault {
  reject?: HandshakeReject;
  dropAfterBytes?: DropFault;
  /** Keep reading audio but never send anything again, and never time out (half-open). */
  stall?: boolean | { afterBytes: number };
  /** Send a non-JSON frame and a message of unknown type before every real message. */
  garbage?: boolean;
  /** Pre-recorded: the body of the 200 answer, sent as is instead of the transcript (malformed answers). */
  answer?: string;
}

/** Behaviours of the adversarial profile; each: true (defaults), false (off), or its settings. README.md: "Adversarial profile". */
export interface AdversarialOptions {
  /** Each Results goes out minMs..maxMs (seeded; default 200..900) after the audio it covers arrived; order is kept. */
  latency?: boolean | { minMs?: number; maxMs?: number };
  /** Interims revise an earlier word (misheard, seeded), which the final corrects. */
  revisions?: boolean;
  /** Audio more than `aheadSec` (5) ahead of `speed` (1.25) x real time since the first frame: closed with 1008. */
  paceLimit?: boolean | { speed?: number; aheadSec?: number };
  /** Before a real message, with chance `rate` (0.3), the next `perMessage` (1) of `messages` (default BROKEN_MESSAGES: known types with fields missing or wrong), in turn from a seeded start. */
  brokenMessages?: boolean | { messages?: readonly string[]; rate?: number; perMessage?: number };
  /**
   * The first `connections` (1) connections are each closed, with chance `probability` (1), at a
   * seeded point `during` the audio (after 0..withinSec (5) s of it) or CloseStream (after 0-2
   * of the final messages, before Metadata); abruptly (1006) or with 1011, seeded.
   */
  randomClose?: boolean | { connections?: number; probability?: number; withinSec?: number; during?: readonly ('audio' | 'close-stream')[] };
}

export interface DeepgramServerOptions {
  /** 'adversarial' turns on every behaviour of `adversarial` not set to false; default 'faithful'. */
  profile?: 'faithful' | 'adversarial';
  /** Seed of every adversarial choice (default 1); tests print it on failure. */
  seed?: number;
  adversarial?: AdversarialOptions;
  /** Required key (`Authorization: Token <key>`); null = no auth, like self-hosted. Default 'test-key'. */
  apiKey?: string | null;
  script?: ScriptWord[];
  /** faults[i] applies to the i-th connection attempt (0-based), WebSocket and pre-recorded POSTs counted together. */
  faults?: ConnectionFault[];
  /** Default 10000, Deepgram's NET-0001 timeout. */
  idleTimeoutMs?: number;
  /** Audio seconds between interim Results; default 1.0. */
  interimIntervalSec?: number;
  /** A segment this long is finalized (is_final, not speech_final); default 5. */
  maxSegmentSec?: number;
  /** Delay before each Results message is sent; default 0. */
  responseDelayMs?: number;
  /**
   * The whole audio (raw PCM samples, no header) the test's source produces: the session
   * timeline the script is on. Each connection then finds its first bytes (up to 3200) in it,
   * once, and hears the script from there (words cut by that start are not heard), with times
   * relative to the connection: what a real Deepgram does with audio a reconnecting client
   * replays. Without it every connection hears the script from its own audio time 0.
   */
  reference?: Buffer;
  /** Keep each connection's audio for `ConnectionLog.audio`; default true. Off for long soak tests (sha256 still works). */
  keepAudio?: boolean;
  /** Pre-recorded (HTTP POST /v1/listen): delay before the response once the whole body has arrived; default 0. */
  prerecordedDelayMs?: number;
  /**
   * The account's limit on requests in flight (live connections and pre-recorded requests together):
   * one more is refused with 429, `Retry-After: retryAfterSec` and Deepgram's TOO_MANY_REQUESTS body.
   */
  concurrencyLimit?: number;
  /** The Retry-After header of a 429 for the limit, in seconds; default 1; null: no header. */
  retryAfterSec?: number | null;
  /** How /v2/listen (Flux) behaves: README.md "Flux (/v2/listen)". */
  flux?: FluxServerOptions;
  /** The management API (GET /v1/auth/token, /v1/projects, a request's details, /v1/models): README.md "Management API". */
  management?: ManagementOptions;
}

/** Flux (/v2/listen) behaviours, for every v2 connection of the server. */
export interface FluxServerOptions {
  /** Words carry start/end; default true (false: omitted, as often in the field). */
  wordTimes?: boolean;
  /** EndOfTurn is sent with an empty transcript and no words (seen in the field); default false. */
  emptyEndOfTurn?: boolean;
  /** 'answer' (default, hosted): EndOfTurn with trigger manual; 'ignore': no answer at all (self-hosted). */
  forceEndTurn?: 'answer' | 'ignore';
  /** After this many seconds of audio no more events come (the socket stays open, no idle timeout): a stalled Flux. */
  stallAfterSec?: number;
  /** Audio seconds between Updates; default 0.25. */
  updateIntervalSec?: number;
}

export interface ManagementOptions {
  /** 'no-usage-scope': the key may transcribe but not read usage (403 on a request's details); 'invalid': every management call is 401. */
  key?: 'valid' | 'no-usage-scope' | 'invalid';
  /** The key's scopes as GET /v1/auth/token reports them; default ['member'] (['usage:write'] for 'no-usage-scope'). */
  scopes?: string[];
  /** What GET /v1/projects/{id}/requests/{request_id} knows: billed USD and audio seconds per request id; others are 404. */
  requests?: Record<string, { usd: number; duration: number; model?: string; created?: string }>;
  /** Wait this long before every management answer (a slow server). */
  delayMs?: number;
  /** Answer a request's details as the bare object (older answers) instead of wrapped in `request`. */
  bareRequest?: boolean;
}

export interface ManagementRequestLog {
  method: string;
  path: string;
  /** The query string, with its "?" ("" when none). */
  query: string;
  authorization?: string;
  at: number;
}

/** `at` in every log entry: ms since the handshake request arrived (performance.now based). */
export interface FrameLog {
  bytes: number;
  at: number;
}

export interface SentLog {
  at: number;
  /** Parsed JSON, or the raw string for a non-JSON (garbage) frame. */
  message: unknown;
}

export interface TextFrameLog {
  at: number;
  text: string;
}

export interface ConnectionLog {
  /** 0-based attempt number: every upgrade request and every POST /v1/listen counts, rejected ones too. */
  index: number;
  /** 'live': a WebSocket attempt; 'prerecorded': an HTTP POST /v1/listen with the file as body. */
  kind: 'live' | 'prerecorded';
  requestId: string;
  url: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  authorization?: string;
  /** HTTP status of a refused handshake (pre-recorded: of an error response, 400 bad audio included). */
  rejectedWith?: number;
  /** Pre-recorded: how many chunks the request body arrived in (0 for live). */
  bodyChunks: number;
  /** Pre-recorded: HTTP status of the response sent (undefined while pending, or when dropped/stalled). */
  responseStatus?: number;
  /** Every binary frame accepted as audio (empty ones included); empty for pre-recorded. */
  frames: FrameLog[];
  audioBytes: number;
  /** All binary payload concatenated; throws when the server was started with keepAudio: false, and always for pre-recorded (the body is never kept). */
  readonly audio: Buffer;
  /** sha256 (hex) of `audio`. */
  readonly sha256: string;
  audioSeconds: number;
  /** With `reference`: where this connection's audio starts in it (bytes; 0 when not found). Set once located. */
  referenceOffset?: number;
  /** `referenceOffset` in seconds of audio. */
  referenceOffsetSeconds?: number;
  /** With `reference`: false when the connection's first bytes were not found in it (it then hears from 0). */
  referenceFound?: boolean;
  /** Client text frames in order: parsed JSON, or the raw string when not JSON. */
  textFrames: unknown[];
  /** Same frames, raw, with arrival time. */
  textFrameLog: TextFrameLog[];
  binaryEmptyFrames: number;
  sent: SentLog[];
  closeCode?: number;
  closeReason?: string;
  closedBy?: 'server' | 'client';
  /** Wall clock (Date.now()) of the handshake request. */
  openedAt: number;
  /** Wall clock (Date.now()) when the socket was gone (or the handshake refused). */
  closedAt?: number;
}

export interface DeepgramServer {
  /** http://127.0.0.1:PORT; clients use ws://127.0.0.1:PORT/v1/listen?... */
  url: string;
  port: number;
  connections: ConnectionLog[];
  /** Resolves once n connection attempts (rejected ones included) have been logged. */
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves once connection `index` is closed (or was refused). */
  waitForClose(index: number, timeoutMs?: number): Promise<ConnectionLog>;
  /**
   * The server becomes unreachable: stops listening (new connections get ECONNREFUSED) and
   * destroys every open socket with no close frame (clients see 1006 / ECONNRESET).
   */
  goAway(): Promise<void>;
  /** Listens again on the same port (`url` and `port` stay valid). */
  comeBack(): Promise<void>;
  /** Terminates all sockets and stops listening. */
  close(): Promise<void>;
  /** Every management API request, in order (not in `connections`). */
  managementRequests: ManagementRequestLog[];
  /** Requests in flight now (accepted and not yet closed), the most there ever were, and the 429s sent for the limit. */
  readonly load: { inFlight: number; peak: number; refused: number; sockets: number };
}
