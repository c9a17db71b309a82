// Socket-level failures of a handshake or an upload, as sentences (not bare Node codes).
import { describe, expect, it } from 'vitest';
import { connectError, readRejection, rejectionError } from '../../src/deepgram/handshake-errors.js';

const failure = (code: string, message = code) => Object.assign(new Error(message), { code });
const NET = 'check your network, and --api-url or DEEPGRAM_API_URL';

describe('connectError', () => {
  it.each([
    [
      'ECONNRESET',
      'ws://10.0.0.5:8080/v1/listen',
      'the connection to 10.0.0.5:8080 was closed before an answer',
      `use https:// or wss:// if the server speaks TLS there; ${NET}`,
    ],
    ['ECONNRESET', 'https://api.deepgram.com/v1/listen', 'the connection to api.deepgram.com was closed before an answer', NET],
    [
      'HPE_INVALID_CONSTANT',
      'http://127.0.0.1:9/v1/listen',
      '127.0.0.1:9 did not answer with valid HTTP (HPE_INVALID_CONSTANT)',
      'check --api-url or DEEPGRAM_API_URL: is it a Deepgram server?',
    ],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'wss://dg.local/v1/listen',
      'cannot connect to dg.local: its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)',
      "check --api-url; for a self-hosted server with its own CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file",
    ],
    ['ECONNREFUSED', 'ws://127.0.0.1:9/v1/listen', 'cannot connect to 127.0.0.1:9: connection refused', NET],
  ])('%s at %s', (code, url, message, hint) => {
    const error = connectError(failure(code), url);
    expect({ message: error.message, hint: error.hint, exitCode: error.exitCode }).toEqual({ message, hint, exitCode: 5 });
  });
});

describe('a 404', () => {
  it('names the live endpoint only for a live (ws) URL, not for --batch', () => {
    expect(rejectionError(readRejection(404, {}, ''), undefined, 'wss://h.example/v1/listen?x=1').message).toBe(
      'no Deepgram live endpoint at wss://h.example/v1/listen?x=1 (HTTP 404)',
    );
    expect(rejectionError(readRejection(404, {}, ''), undefined, 'https://h.example/v1/listen?x=1').message).toBe(
      'no Deepgram endpoint at https://h.example/v1/listen?x=1 (HTTP 404)',
    );
  });
});
