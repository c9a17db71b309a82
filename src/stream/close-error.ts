import { AudioSourceError, NetworkError, type TranscribeError } from '../errors.js';

/** Deepgram closed the socket while we were still streaming: what it means and what to do. */
export function closeError(code: number, reason: string): TranscribeError {
  const why = reason ? `: ${reason}` : '';
  if (code === 1008) return new AudioSourceError(`Deepgram could not decode the audio${why}`, 'check --encoding, --sample-rate and --channels match the audio');
  if (code === 1011) return new NetworkError(`Deepgram ended the session (1011)${why}`, 'try again; if it persists, check status.deepgram.com');
  if (code === 1000) return new NetworkError('Deepgram closed the session before the audio ended', 'try again');
  return new NetworkError(`the connection to Deepgram dropped (code ${code})${why}`, 'check your network and try again');
}
