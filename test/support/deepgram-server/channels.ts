// Which audio streams a session transcribes. multichannel=true with N > 1 channels: one
// recognizer per channel, each on the script words of its channel, their events merged in
// time order and tagged [channel, N]. Otherwise Deepgram downmixes: one recognizer on the
// words of every channel, tagged [0, 1].
import { channelOf, EPS, ScriptRecognizer, type Heard, type RecognizerSettings } from './recognizer.js';
import type { ScriptWord } from './types.js';

/** `channel_index` of Results, `channel` of UtteranceEnd and SpeechStarted: [channel, total]. */
export type ChannelIndex = [number, number];

export interface ChannelHeard {
  channelIndex: ChannelIndex;
  heard: Heard;
}

export interface ChannelLayout {
  /** Channels in the audio (query `channels`, or the WAV header). */
  channels: number;
  multichannel: boolean;
}

/** Transcribed separately only with multichannel=true and more than one channel. */
export const isSplit = (layout: ChannelLayout): boolean => layout.multichannel && layout.channels > 1;

export class ChannelRecognizers {
  private readonly recognizers: ScriptRecognizer[];

  constructor(script: readonly ScriptWord[], settings: RecognizerSettings, layout: ChannelLayout) {
    this.recognizers = isSplit(layout)
      ? Array.from(
          { length: layout.channels },
          (_, c) =>
            new ScriptRecognizer(
              script.filter((word) => channelOf(word) === c),
              settings,
            ),
        )
      : [new ScriptRecognizer(script, settings)];
  }

  advance(audioSec: number): ChannelHeard[] {
    return this.merge((recognizer) => recognizer.advance(audioSec));
  }

  finalize(audioSec: number): ChannelHeard[] {
    return this.merge((recognizer) => recognizer.finalize(audioSec));
  }

  closeStream(audioSec: number): ChannelHeard[] {
    return this.merge((recognizer) => recognizer.closeStream(audioSec));
  }

  /** Each channel's events are in time order: merge them by time, lower channel first on ties. */
  private merge(step: (recognizer: ScriptRecognizer) => Heard[]): ChannelHeard[] {
    const total = this.recognizers.length;
    const queues = this.recognizers.map(step);
    const cursors = queues.map(() => 0);
    const out: ChannelHeard[] = [];
    for (;;) {
      let pick: number | undefined;
      let pickAt = Infinity;
      queues.forEach((queue, channel) => {
        const next = queue[cursors[channel] as number];
        if (next !== undefined && next.at < pickAt - EPS) [pick, pickAt] = [channel, next.at];
      });
      if (pick === undefined) return out;
      const heard = (queues[pick] as Heard[])[(cursors[pick] as number)++] as Heard;
      out.push({ channelIndex: [pick, total], heard });
    }
  }
}
