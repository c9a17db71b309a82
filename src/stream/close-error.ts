import { AudioSourceError, NetworkError, type TranscribeError } from '../errors.js';

/** RFC 6455's names for the close codes a server may send, shown beside the number. */
const MEANING: Readonly<Record<number, string>> = {
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1007: 'invalid data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'extension required',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
};

const LATER = 'try again; if it persists, check status.deepgram.com';

/**
 * Deepgram closed the socket while we were still streaming: what it means and what to do.
 * `local`: we closed it, because the server broke the WebSocket protocol (`reason` says how).
 */
export function closeError(code: number, reason: string, local = false): TranscribeError {
  const why = reason ? `: ${reason}` : '';
  if (local) return new NetworkError(`${reason} (closed with code ${code})`, 'try again; if it persists, check --api-url and status.deepgram.com');
  if (code === 1006) return new NetworkError('the connection to Deepgram dropped (code 1006)', 'check your network and try again');
  if (code === 1000) return new NetworkError(`Deepgram closed the session before the audio ended${why}`, 'try again');
  if (code === 1011) return new NetworkError(`Deepgram ended the session (1011)${why}`, LATER);
  if (code === 1008) return policyClose(reason);
  const meaning = MEANING[code] ? ` ${MEANING[code]}` : '';
  return new NetworkError(`Deepgram closed the session (code ${code}${meaning})${why}`, LATER);
}

/**
 * 1008 is Deepgram's close for audio it cannot decode (DATA-0000, also with no reason), but a
 * server may use it for other policies, such as audio sent faster than it takes: the reason tells.
 */
function policyClose(reason: string): TranscribeError {
  if (!reason || /DATA-\d|decod|encoding|sample rate|channels/i.test(reason))
    return new AudioSourceError(
      `Deepgram could not decode the audio${reason ? `: ${reason}` : ''}`,
      'check --encoding, --sample-rate and --channels match the audio',
    );
  if (/too fast|real[ -]?time|speed|pace/i.test(reason))
    return new NetworkError(`Deepgram closed the session: audio sent too fast (code 1008): ${reason}`, 'use --speed 1.25 or less, or --batch for a whole file');
  return new NetworkError(`Deepgram closed the session (code 1008 policy violation): ${reason}`, LATER);
}

/** Why a connection is being replaced, for the reconnecting line. */
export function dropReason(code: number, reason: string): string {
  return `the connection dropped (code ${code}${reason ? `: ${reason}` : ''})`;
}
