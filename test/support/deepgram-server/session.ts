// One accepted live connection: reads audio and control messages, lets the recognizer turn
// audio time into messages, applies the connection's fault, and keeps its record.
import type { RawData, WebSocket } from 'ws';
import { Adversary, type Adversarial } from './adversarial.js';
import { AudioMeter } from './audio.js';
import { ChannelRecognizers, type ChannelHeard } from './channels.js';
import type { ConnectionRecord } from './connection-log.js';
import { CLOSE } from './errors.js';
import { heardMessage, metadataMessage, type MessageContext } from './messages.js';
import { Outbox, parseOrRaw } from './outbox.js';
import type { ListenParams } from './query.js';
import type { RecognizerSettings } from './recognizer.js';
import { PROBE_BYTES, scriptFromOffset, type ReferenceTimeline } from './reference.js';
import type { ConnectionFault, ScriptWord } from './types.js';

export interface SessionTiming {
  idleTimeoutMs: number;
  interimIntervalSec: number;
  maxSegmentSec: number;
  responseDelayMs: number;
}

export interface SessionSetup {
  ws: WebSocket;
  record: ConnectionRecord;
  params: ListenParams;
  script: readonly ScriptWord[];
  fault: ConnectionFault | undefined;
  timing: SessionTiming;
  /** With DeepgramServerOptions.reference: where connections locate their audio. */
  reference?: ReferenceTimeline;
  /** Default true. */
  keepAudio?: boolean;
  /** The adversarial profile's behaviours in force, and its seed. */
  adversarial?: { behaviours: Adversarial; seed: number };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

export class LiveSession {
  private readonly ws: WebSocket;
  private readonly record: ConnectionRecord;
  private readonly params: ListenParams;
  private readonly fault: ConnectionFault;
  private readonly meter: AudioMeter;
  private readonly script: readonly ScriptWord[];
  private readonly reference: ReferenceTimeline | undefined;
  private readonly settings: RecognizerSettings;
  /** Made once the channel count is known (container mode: after the WAV header). */
  private channelRecognizers: ChannelRecognizers | undefined;
  private readonly outbox: Outbox;
  private readonly context: MessageContext;
  private readonly idleTimeoutMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  /** CloseStream (or the end of the session) was seen: later audio is ignored. */
  private ended = false;
  private readonly adversary: Adversary | undefined;

  constructor(setup: SessionSetup) {
    const { ws, record, params, timing } = setup;
    this.ws = ws;
    this.record = record;
    this.params = params;
    this.fault = setup.fault ?? {};
    this.idleTimeoutMs = timing.idleTimeoutMs;
    this.meter = new AudioMeter(params.encoding, params.sampleRate, params.channels, setup.keepAudio ?? true);
    record.meter = this.meter;
    this.script = setup.script;
    this.reference = setup.reference;
    this.settings = {
      interimIntervalSec: params.interimResults ? timing.interimIntervalSec : null,
      endpointingSec: params.endpointingSec,
      utteranceEndSec: params.utteranceEndSec,
      vadEvents: params.vadEvents,
      maxSegmentSec: timing.maxSegmentSec,
    };
    const bytesPerSecond = (params.sampleRate ?? 16000) * params.channels * 2; // container mode: a guess until the header
    this.adversary = setup.adversarial && new Adversary(setup.adversarial.behaviours, setup.adversarial.seed, record.index, bytesPerSecond);
    const adversary = this.adversary;
    this.outbox = new Outbox(ws, record, {
      responseDelayMs: timing.responseDelayMs,
      garbage: this.fault.garbage === true,
      ...(adversary ? { resultsDelayMs: (fixedMs: number) => adversary.resultsDelayMs(fixedMs), before: () => adversary.brokenBefore() } : {}),
    });
    this.context = { requestId: record.requestId, modelInfo: params.modelInfo, punctuated: params.punctuated, diarize: params.diarize };

    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', (code, reason) => this.onSocketClosed(code, reason.toString()));
    ws.on('error', () => undefined); // a broken client socket ends in 'close'; nothing to add here

    if (this.fault.stall === true) this.outbox.stall();
    this.armIdleTimer();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    this.armIdleTimer();
    if (isBinary) this.onAudio(toBuffer(data));
    else this.onText(toBuffer(data).toString('utf8'));
  }

  private onAudio(chunk: Buffer): void {
    if (this.ended) return;
    this.record.frames.push({ bytes: chunk.length, at: this.record.elapsed() });
    if (chunk.length === 0) {
      // The deprecated close signal: behaves as CloseStream.
      this.record.binaryEmptyFrames++;
      this.closeStream();
      return;
    }
    this.meter.add(chunk);
    this.record.audioBytes = this.meter.bytes;
    this.record.audioSeconds = this.meter.seconds;
    if (this.dropIfDue() || this.adversaryCloses()) return;
    if (this.meter.undecodable) {
      this.endSession(CLOSE.undecodable);
      return;
    }
    // Until a WAV header is read no audio time has passed, and the channel count may change.
    // With a reference, nothing is heard until the first bytes have located the connection in it.
    if (!this.meter.readingHeader && this.locatable()) this.deliver(this.recognizer.advance(this.meter.seconds));
    this.stallIfDue(); // after delivering: what the first afterBytes bytes caused still goes out
  }

  private onText(text: string): void {
    const message = parseOrRaw(text);
    this.record.textFrames.push(message);
    this.record.textFrameLog.push({ at: this.record.elapsed(), text });
    if (this.ended) return;
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (type === 'Finalize') this.deliver(this.recognizer.finalize(this.meter.seconds));
    if (type === 'CloseStream') this.closeStream();
    // KeepAlive only resets the idle timer (done for every frame); anything else is ignored.
  }

  /** The server went away (DeepgramServer.goAway): the socket is destroyed with no close frame. */
  abort(): void {
    this.dropConnection({ bytes: 0, abrupt: true });
  }

  /** The adversarial profile: a random close point reached, or audio too far ahead of real time. */
  private adversaryCloses(): boolean {
    const drop = this.adversary?.dropNow(this.meter.bytes, this.meter.seconds, performance.now());
    if (drop) this.dropConnection(drop);
    return drop !== undefined;
  }

  /** dropAfterBytes: the server goes away without answering this frame. */
  private dropIfDue(): boolean {
    const drop = this.fault.dropAfterBytes;
    if (!drop || this.meter.bytes < drop.bytes) return false;
    this.dropConnection(drop);
    return true;
  }

  private stallIfDue(): void {
    const stall = this.fault.stall;
    if (typeof stall !== 'object' || this.meter.bytes < stall.afterBytes || this.outbox.stalled) return;
    this.outbox.stall();
    this.clearIdleTimer();
  }

  private dropConnection(drop: NonNullable<ConnectionFault['dropAfterBytes']>): void {
    this.ended = true;
    this.clearIdleTimer();
    this.outbox.silence();
    if (drop.abrupt) {
      this.record.noteClosing('server', 1006, '');
      this.ws.terminate(); // TCP destroyed, no close frame
    } else {
      const code = drop.code ?? CLOSE.internal.code;
      const reason = drop.reason ?? (drop.code === undefined ? CLOSE.internal.reason : '');
      this.record.noteClosing('server', code, reason);
      this.ws.close(code, reason);
    }
  }

  private closeStream(): void {
    if (this.ended) return;
    if (this.outbox.stalled) {
      this.ended = true; // a stalled server never answers, not even the close
      return;
    }
    const finals = this.recognizer.closeStream(this.meter.seconds);
    const cut = this.adversary?.closePlan?.afterFinals;
    if (cut === undefined) {
      this.deliver(finals);
      this.endSession(CLOSE.normal);
      return;
    }
    // The adversarial profile closes during CloseStream: some finals out, no Metadata.
    this.ended = true;
    this.clearIdleTimer();
    this.deliver(finals.slice(0, cut));
    if (this.adversary!.closePlan!.abrupt) this.outbox.terminate();
    else this.outbox.close(CLOSE.internal.code, CLOSE.internal.reason);
  }

  /** Metadata, then the close frame: how the live API ends every session it ends itself. */
  private endSession(close: { code: number; reason: string }): void {
    this.ended = true;
    this.clearIdleTimer();
    this.outbox.send(
      metadataMessage({
        requestId: this.record.requestId,
        created: new Date(this.record.openedAt).toISOString(),
        durationSec: this.meter.seconds,
        channels: this.meter.channels,
        modelInfo: this.params.modelInfo,
        audioArrived: this.meter.bytes > 0,
      }),
    );
    this.outbox.close(close.code, close.reason);
  }

  /** Made on first use; with a reference that is where the connection is located (once). */
  private get recognizer(): ChannelRecognizers {
    this.channelRecognizers ??= new ChannelRecognizers(this.connectionScript(), this.settings, {
      channels: this.meter.channels,
      multichannel: this.params.multichannel,
    });
    return this.channelRecognizers;
  }

  /** Enough audio to look up in the reference (or no reference, or already located). */
  private locatable(): boolean {
    return this.reference === undefined || this.channelRecognizers !== undefined || this.meter.bytes - this.meter.dataStart >= PROBE_BYTES;
  }

  /** The script on this connection's timeline: as is, or shifted to where its audio starts in the reference. */
  private connectionScript(): readonly ScriptWord[] {
    if (this.reference === undefined) return this.script;
    const { head, dataStart, frameBytes, bytesPerSecond } = this.meter;
    const probe = head.subarray(dataStart, dataStart + PROBE_BYTES);
    const match = this.reference.locate(probe, frameBytes, this.record.index);
    const offsetSec = bytesPerSecond === 0 ? 0 : match.offset / bytesPerSecond;
    this.record.referenceOffset = match.offset;
    this.record.referenceOffsetSeconds = offsetSec;
    this.record.referenceFound = match.found;
    return scriptFromOffset(this.script, offsetSec);
  }

  private deliver(events: ChannelHeard[]): void {
    for (const { heard, channelIndex } of events) {
      const message = heardMessage(heard, this.context, channelIndex);
      this.adversary?.revise(message);
      this.outbox.send(message);
    }
  }

  /** NET-0001: no frame of any kind for idleTimeoutMs. Never while stalled or ending. */
  private armIdleTimer(): void {
    this.clearIdleTimer();
    if (this.ended || this.outbox.stalled) return;
    this.idleTimer = setTimeout(() => this.endSession(CLOSE.idle), this.idleTimeoutMs);
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
