import { log, type Context } from '../context.js';
import type { TranscriptEvent, TranscriptModel } from '../transcript/model.js';
import type { ConnectionEvents } from './connection.js';
import type { StreamJob } from './run-stream.js';

/**
 * Message dispatch: what the connection hears goes through the transcript model to the outputs,
 * the terminal and the steering, in the order a reader needs (an utterance before the metadata or
 * the utterance end that closes it); reconnections and gaps are told to the user and the outputs.
 */
export function dispatch(context: Context, job: Pick<StreamJob, 'output' | 'renderer' | 'steering'>, model: TranscriptModel) {
  const { output, renderer, steering } = job;
  let unknownMessages = 0;
  const show = (events: TranscriptEvent[]) => {
    for (const event of events) {
      if (event.type === 'interim') {
        renderer.interim(event.text, event.tentative === true);
        output.interim(event.channel, event.text);
      } else if (event.type === 'turn') {
        output.turn?.(event.turn);
      } else {
        renderer.clearInterim();
        output.final(event.utterance);
        steering?.final(event.utterance);
      }
    }
  };
  const events: ConnectionEvents = {
    heard(heard) {
      if (heard.kind === 'unknown') {
        unknownMessages += 1;
        log(context, `ignored a message Deepgram sent (${heard.reason}): ${heard.text}`);
      } else if (heard.kind === 'failure') {
        log(context, `Deepgram reported an error: ${heard.code}${heard.description ? `: ${heard.description}` : ''}`);
      } else if (heard.kind === 'metadata') {
        // Metadata is a connection's last word: what it finalized is complete, and is written before the metadata.
        show(model.flush());
        log(context, `request ${heard.requestId}: ${heard.duration} s of audio`);
        // Deepgram counts the last connection's audio: on the session timeline it is the whole run's.
        const { kind: _kind, ...metadata } = heard;
        output.metadata({ ...metadata, duration: model.onTimeline(heard.duration) });
      }
      show(model.apply(heard));
      // After the model, so that the utterance it ends is written first; times on the session timeline.
      if (heard.kind === 'utterance-end') output.utteranceEnd(heard.channel, heard.lastWordEnd === undefined ? -1 : model.onTimeline(heard.lastWordEnd));
      if (heard.kind === 'speech-started') output.speechStarted(heard.channel, model.onTimeline(heard.at));
    },
    reconnecting(attempt, why) {
      steering?.reconnecting(true);
      renderer.status(`transcribe: ${why ? `${why}; ` : ''}reconnecting (attempt ${attempt})...`);
    },
    reconnected({ attempt, offsetSeconds, replayedSeconds, downSeconds }) {
      model.setOffset(offsetSeconds);
      steering?.reconnecting(false);
      renderer.status(`transcribe: reconnected after ${downSeconds.toFixed(1)} s; replayed ${replayedSeconds.toFixed(1)} s of audio`);
      output.reconnect(attempt, offsetSeconds, replayedSeconds);
    },
    gap(seconds) {
      renderer.notice(`transcribe: warning: ${seconds.toFixed(1)} s of audio did not fit in the replay buffer while disconnected and will not be transcribed`);
      output.gap(seconds);
    },
  };
  return { show, events, unknownMessages: () => unknownMessages };
}
