// How each way a server ends a live session is reported: message, hint and exit code.
import { describe, expect, it } from 'vitest';
import { RECONNECT_CODES } from '../../src/stream/reconnect-policy.js';
import { closeError } from '../../src/stream/close-error.js';

const LATER = 'try again; if it persists, check status.deepgram.com';

describe('closeError', () => {
  it.each([
    [1000, '', 'Deepgram closed the session before the audio ended', 'try again', 5],
    [
      1000,
      'INTERNAL_SERVER_ERROR: An internal error occurred.',
      'Deepgram closed the session before the audio ended: INTERNAL_SERVER_ERROR: An internal error occurred.',
      'try again',
      5,
    ],
    [1006, '', 'the connection to Deepgram dropped (code 1006)', 'check your network and try again', 5],
    [1011, 'NET-0000', 'Deepgram ended the session (1011): NET-0000', LATER, 5],
    [1002, 'bad frame', 'Deepgram closed the session (code 1002 protocol error): bad frame', LATER, 5],
    [1003, '', 'Deepgram closed the session (code 1003 unsupported data)', LATER, 5],
    [1007, 'x', 'Deepgram closed the session (code 1007 invalid data): x', LATER, 5],
    [1009, 'too big', 'Deepgram closed the session (code 1009 message too big): too big', LATER, 5],
    [1010, '', 'Deepgram closed the session (code 1010 extension required)', LATER, 5],
    [4000, 'custom', 'Deepgram closed the session (code 4000): custom', LATER, 5],
    [4999, '', 'Deepgram closed the session (code 4999)', LATER, 5],
    // 1008: undecodable audio (Deepgram's DATA-0000, or no reason) is an audio error; another policy is not.
    [
      1008,
      'DATA-0000: The payload cannot be decoded as audio',
      'Deepgram could not decode the audio: DATA-0000: The payload cannot be decoded as audio',
      'check --encoding, --sample-rate and --channels match the audio',
      4,
    ],
    [1008, '', 'Deepgram could not decode the audio', 'check --encoding, --sample-rate and --channels match the audio', 4],
    [
      1008,
      'Audio arrived too far ahead of real time (test server pace limit)',
      'Deepgram closed the session: audio sent too fast (code 1008): Audio arrived too far ahead of real time (test server pace limit)',
      'use --speed 1.25 or less, or --batch for a whole file',
      5,
    ],
    [1008, 'quota exceeded', 'Deepgram closed the session (code 1008 policy violation): quota exceeded', LATER, 5],
  ])('%i %j', (code, reason, message, hint, exitCode) => {
    const error = closeError(code, reason);
    expect({ message: error.message, hint: error.hint, exitCode: error.exitCode }).toEqual({ message, hint, exitCode });
  });

  it('a close we made because the server broke the protocol is the server at fault, not the network', () => {
    const error = closeError(1009, 'Deepgram sent a message larger than 4 MB, more than any real answer', true);
    expect({ message: error.message, hint: error.hint, exitCode: error.exitCode }).toEqual({
      message: 'Deepgram sent a message larger than 4 MB, more than any real answer (closed with code 1009)',
      hint: 'try again; if it persists, check --api-url and status.deepgram.com',
      exitCode: 5,
    });
  });

  it('going away (a server shutting down) and bad gateway are drops worth a new connection', () => {
    expect([...RECONNECT_CODES].sort()).toEqual([1001, 1006, 1011, 1012, 1013, 1014]);
  });
});
