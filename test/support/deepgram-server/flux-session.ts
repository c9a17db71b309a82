// One accepted /v2/listen (Flux) connection: audio drives the turn timeline (flux-turns.ts),
// control messages (ForceEndTurn, CloseStream, Configure) act on it, faults and the reference
// work as for v1 (session.ts). README.md "Flux (/v2/listen)".
import type { RawData, WebSocket } from 'ws';
import { AudioMeter } from './audio.js';
import type { ConnectionRecord } from './connection-log.js';
import { CLOSE } from './errors.js';
import {
  configureFailureMessage,
  configureSuccessMessage,
  connectedMessage,
  errorMessage,
  FLUX_ERRORS,
  turnInfoMessage,
  type FluxConfiguration,
  type FluxMessageStyle,
} from './flux-messages.js';
import { applyConfigure, type FluxParams } from './flux-query.js';
import { FluxTurns, type FluxTurnEvent } from './flux-turns.js';
import { Outbox, parseOrRaw } from './outbox.js';
import { PROBE_BYTES, scriptFromOffset, type ReferenceTimeline } from './reference.js';
import type { ConnectionFault, FluxServerOptions, ScriptWord } from './types.js';

export interface FluxSessionSetup {
  ws: WebSocket;
  record: ConnectionRecord;
  params: FluxParams;
  script: readonly ScriptWord[];
  fault: ConnectionFault | undefined;
  /** No audio frame for this long: the server closes (1011, NET-0001). */
  idleTimeoutMs: number;
  reference?: ReferenceTimeline;
  keepAudio?: boolean;
  flux?: FluxServerOptions;
}

const toBuffer = (data: RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
export class FluxSession {
  private readonly ws: WebSocket;
  private readonly record: ConnectionRecord;
  private readonly params: FluxParams;
  private readonly fault: ConnectionFault;
  private readonly flux: FluxServerOptions;
  private readonly meter: AudioMeter;
  private readonly outbox: Outbox;
  private readonly style: FluxMessageStyle;
  private config: FluxConfiguration;
  /** Made once the connection is located (with a reference) and the WAV header read. */
  private timeline: FluxTurns | undefined;
  private sequenceId = 0;
  private ended = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly setup: FluxSessionSetup) {
    const { ws, record, params } = setup;
    this.ws = ws;
    this.record = record;
    this.params = params;
    this.fault = setup.fault ?? {};
    this.flux = setup.flux ?? {};
    this.meter = new AudioMeter(params.encoding, params.sampleRate, 1, setup.keepAudio ?? true);
    record.meter = this.meter;
    this.outbox = new Outbox(ws, record, { responseDelayMs: 0, garbage: this.fault.garbage === true });
    this.config = {
      thresholds: { eotThreshold: params.eotThreshold, eagerEotThreshold: params.eagerEotThreshold, eotTimeoutMs: params.eotTimeoutMs },
      keyterms: params.keyterms,
      languageHints: params.languageHints,
    };
    this.style = {
      requestId: record.requestId,
      wordTimes: this.flux.wordTimes ?? true,
      emptyEndOfTurn: this.flux.emptyEndOfTurn ?? false,
      multi: params.multi,
      languageHints: params.languageHints,
    };

    ws.on('message', (data, isBinary) => (isBinary ? this.onAudio(toBuffer(data)) : this.onText(toBuffer(data).toString('utf8'))));
    ws.on('close', (code, reason) => this.onSocketClosed(code, reason.toString()));
    ws.on('error', () => undefined); // a broken client socket ends in 'close'

    this.send(connectedMessage(record.requestId, this.sequenceId++));
    if (this.fault.stall === true) this.outbox.stall();
    this.armIdleTimer();
  }

  /** The server went away (DeepgramServer.goAway): the socket is destroyed with no close frame. */
  abort(): void {
    this.drop({ bytes: 0, abrupt: true });
  }

  private send(message: object): void {
    this.outbox.send(message);
  }

  private onAudio(chunk: Buffer): void {
    if (this.ended) return;
    this.armIdleTimer();
    this.record.frames.push({ bytes: chunk.length, at: this.record.elapsed() });
    if (chunk.length === 0) {
      this.record.binaryEmptyFrames++; // not a close signal on v2: nothing to hear
      return;
    }
    this.meter.add(chunk);
    this.record.audioBytes = this.meter.bytes;
    this.record.audioSeconds = this.meter.seconds;
    const drop = this.fault.dropAfterBytes;
    if (drop && this.meter.bytes >= drop.bytes) return this.drop(drop);
    if (this.meter.undecodable) return this.fail(FLUX_ERRORS.undecodable, CLOSE.undecodable);
    if (!this.meter.readingHeader && this.locatable()) this.deliver(this.turns.advance(this.heardSeconds()));
    this.stallIfDue();
  }

  private onText(text: string): void {
    const message = parseOrRaw(text);
    this.record.textFrames.push(message);
    this.record.textFrameLog.push({ at: this.record.elapsed(), text });
    if (this.ended) return;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return this.fail(FLUX_ERRORS.unparsable, { code: 1011, reason: FLUX_ERRORS.unparsable.description });
    }
    const fields = message as Record<string, unknown>;
    switch (fields.type) {
      case 'ForceEndTurn':
        if (this.flux.forceEndTurn !== 'ignore' && this.timeline) this.deliver(this.timeline.forceEndTurn(this.heardSeconds()));
        return;
      case 'CloseStream':
        return this.closeStream();
      case 'Configure':
        return this.configure(fields);
      default:
        // KeepAlive and Finalize do not exist on v2 (a KeepAlive has been seen to end the socket with 1005).
        return this.fail(FLUX_ERRORS.unknownType(String(fields.type)), undefined);
    }
  }

  private configure(message: Record<string, unknown>): void {
    const next = applyConfigure(this.config, message, this.params.multi);
    if (next === undefined) return this.send(configureFailureMessage(this.record.requestId, this.sequenceId++));
    this.config = next;
    if (this.timeline) this.timeline.thresholds = next.thresholds;
    this.style.languageHints = next.languageHints;
    this.send(configureSuccessMessage(this.record.requestId, next, this.params.multi, this.sequenceId++));
  }

  /** CloseStream: a close frame with no status code, and the active turn is NOT finalized. */
  private closeStream(): void {
    this.ended = true;
    this.clearIdleTimer();
    if (!this.outbox.stalled) this.outbox.closeWithoutStatus(); // a stalled server never answers
  }

  /** A fatal Error message, then the close (no status code when `close` is undefined). */
  private fail(error: { code: string; description: string }, close: { code: number; reason: string } | undefined): void {
    this.ended = true;
    this.clearIdleTimer();
    this.send(errorMessage(this.sequenceId++, error.code, error.description));
    if (close === undefined) this.outbox.closeWithoutStatus();
    else this.outbox.close(close.code, close.reason);
  }

  /** Audio time the timeline has reached: stallAfterSec caps it. */
  private heardSeconds(): number {
    return Math.min(this.meter.seconds, this.flux.stallAfterSec ?? Infinity);
  }

  private stallIfDue(): void {
    if (this.outbox.stalled) return;
    const stall = this.fault.stall;
    const byFault = typeof stall === 'object' && this.meter.bytes >= stall.afterBytes;
    const bySeconds = this.flux.stallAfterSec !== undefined && this.meter.seconds >= this.flux.stallAfterSec;
    if (!byFault && !bySeconds) return;
    this.outbox.stall();
    this.clearIdleTimer();
  }

  private drop(drop: NonNullable<ConnectionFault['dropAfterBytes']>): void {
    this.ended = true;
    this.clearIdleTimer();
    this.outbox.silence();
    if (drop.abrupt) {
      this.record.noteClosing('server', 1006, '');
      this.ws.terminate();
      return;
    }
    const code = drop.code ?? CLOSE.internal.code;
    const reason = drop.reason ?? (drop.code === undefined ? CLOSE.internal.reason : '');
    this.record.noteClosing('server', code, reason);
    this.ws.close(code, reason);
  }

  /** Made on first use; with a reference that is where the connection is located (once). */
  private get turns(): FluxTurns {
    this.timeline ??= new FluxTurns(this.connectionScript(), this.config.thresholds, this.flux.updateIntervalSec);
    return this.timeline;
  }

  private locatable(): boolean {
    const { reference } = this.setup;
    return reference === undefined || this.timeline !== undefined || this.meter.bytes - this.meter.dataStart >= PROBE_BYTES;
  }

  /** The script on this connection's timeline (reference.ts, as for v1). */
  private connectionScript(): readonly ScriptWord[] {
    const { reference, script } = this.setup;
    if (reference === undefined) return script;
    const { head, dataStart, frameBytes, bytesPerSecond } = this.meter;
    const match = reference.locate(head.subarray(dataStart, dataStart + PROBE_BYTES), frameBytes, this.record.index);
    const offsetSec = bytesPerSecond === 0 ? 0 : match.offset / bytesPerSecond;
    this.record.referenceOffset = match.offset;
    this.record.referenceOffsetSeconds = offsetSec;
    this.record.referenceFound = match.found;
    return scriptFromOffset(script, offsetSec);
  }

  private deliver(events: FluxTurnEvent[]): void {
    for (const event of events) this.send(turnInfoMessage(event, this.style, this.sequenceId++));
  }

  /** No audio frame for idleTimeoutMs (text frames do not count: v2 has no KeepAlive). Never while stalled or ending. */
  private armIdleTimer(): void {
    this.clearIdleTimer();
    if (this.ended || this.outbox.stalled) return;
    this.idleTimer = setTimeout(() => {
      this.ended = true;
      this.outbox.close(CLOSE.idle.code, CLOSE.idle.reason);
    }, this.setup.idleTimeoutMs);
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private onSocketClosed(code: number, reason: string): void {
    this.ended = true;
    this.clearIdleTimer();
    this.outbox.silence();
    this.record.noteClosing('client', code, reason);
    this.record.markClosed();
  }
}
