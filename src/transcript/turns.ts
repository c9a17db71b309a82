import type { HeardTurn, HeardWord } from './heard.js';
import type { TranscriptEvent, Utterance, Word } from './model.js';

/** A turn's news on the session timeline; `index` counts the session's turns (an engine counts per connection). */
export interface TurnNews {
  phase: 'start' | 'eager-end' | 'resumed' | 'end';
  index: number;
  start: number;
  end: number;
  endConfidence: number;
  trigger?: string;
  languages?: string[];
}

interface Said {
  text: string;
  words: Word[];
  start: number;
  end: number;
  languages?: string[];
}

/**
 * One utterance per turn of a turn-based engine (Flux). Updates drive the interim line; the end of
 * the turn prints it once, with the last non-empty text heard when the end itself came empty (seen
 * in the field); an eager end shows the text as tentative until the turn resumes or ends.
 */
export class TurnTracker {
  /** The last non-empty text of the current turn: what the turn says if its end comes empty, or never comes. */
  private last: Said | undefined;
  private shown = '';
  private ended = 0;

  apply(heard: HeardTurn, wordOf: (word: HeardWord) => Word, onTimeline: (seconds: number) => number): TranscriptEvent[] {
    const said: Said = {
      text: heard.text,
      words: heard.words.map(wordOf),
      start: onTimeline(heard.start),
      end: onTimeline(heard.end),
      ...(heard.languages ? { languages: heard.languages } : {}),
    };
    if (heard.phase === 'start') this.last = undefined;
    if (said.text) this.last = said;
    const news = (phase: TurnNews['phase']): TranscriptEvent => ({
      type: 'turn',
      turn: {
        phase,
        index: this.ended,
        start: said.start,
        end: said.end,
        endConfidence: heard.endConfidence,
        ...(heard.trigger === undefined ? {} : { trigger: heard.trigger }),
        ...(heard.languages ? { languages: heard.languages } : {}),
      },
    });
    switch (heard.phase) {
      case 'start':
        return [news('start'), ...this.interim(said.text)];
      case 'update':
        return this.interim(this.last?.text ?? '');
      case 'eager-end':
        return [news('eager-end'), ...this.interim(this.last?.text ?? '', true)];
      case 'resumed':
        return [news('resumed'), ...this.interim(this.last?.text ?? '', false, true)];
      case 'end': {
        const final = this.take();
        const end = news('end');
        this.ended += 1;
        return [...final, end];
      }
    }
  }

  /** The stream ends inside a turn: its last text is all there will be. */
  flush(): TranscriptEvent[] {
    return this.take();
  }

  /** A new connection hears again the audio after the last ended turn: what this turn said so far comes back. */
  reconnected(): void {
    this.last = undefined;
  }

  private take(): TranscriptEvent[] {
    const said = this.last;
    this.last = undefined;
    this.shown = ''; // a final clears the interim line
    if (!said) return [];
    return [{ type: 'final', utterance: utteranceOf(said) }];
  }

  private interim(text: string, tentative = false, force = false): TranscriptEvent[] {
    if (text === this.shown && !tentative && !force) return [];
    this.shown = text;
    return [{ type: 'interim', channel: 0, text, ...(tentative ? { tentative: true as const } : {}) }];
  }
}

function utteranceOf(said: Said): Utterance {
  const { words } = said;
  const confidence = words.length ? words.reduce((sum, word) => sum + word.confidence, 0) / words.length : 0;
  return {
    text: said.text,
    start: words[0]?.start ?? said.start,
    end: words[words.length - 1]?.end ?? said.end,
    channel: 0,
    confidence,
    words,
  };
}
