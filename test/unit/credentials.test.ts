import { describe, expect, it } from 'vitest';
import { checkTransport, hostedSpeedWarning, isDeepgramHosted, isLoopback } from '../../src/deepgram/credentials.js';
import { listenEndpoint } from '../../src/deepgram/query.js';
import { displayUrl } from '../../src/display-url.js';

describe('isLoopback: 127.0.0.0/8, ::1 and localhost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['[::1]', true],
    ['[::ffff:7f00:1]', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['[::2]', false],
    ['localhost.example', false],
    ['127.0.0.1.nip.io', false],
  ])('%s: %s', (host, loopback) => expect(isLoopback(host)).toBe(loopback));
});

describe('checkTransport: the key in cleartext only to this machine, or with --allow-insecure', () => {
  it.each<[string, boolean, boolean, string[] | string]>([
    ['https://api.deepgram.com', true, false, []],
    ['wss://dg.example', true, false, []],
    ['http://127.0.0.1:8080', true, false, []],
    ['http://127.1:8080', true, false, []],
    ['ws://[::1]:8080', true, false, []],
    ['http://localhost', true, false, []],
    ['http://dg.internal:8080', false, false, []],
    ['http://dg.internal:8080', true, false, 'refusing to send the API key unencrypted to dg.internal:8080 (http:// to another machine)'],
    ['ws://0x0a.1.2.3', true, false, 'refusing to send the API key unencrypted to 10.1.2.3 (ws:// to another machine)'],
    ['http://dg.internal:8080', true, true, ['the API key is sent unencrypted to dg.internal:8080 (--allow-insecure): anyone on the network path can read it']],
    ['https://ana:pw@dg.example', true, false, ['the user:password in the API URL is not sent: the API key authenticates (https://dg.example/)']],
  ])('%s (key %s, allowed %s)', (url, sendsKey, allowed, expected) => {
    if (typeof expected === 'string') expect(() => checkTransport(url, sendsKey, allowed)).toThrow(expected);
    else expect(checkTransport(url, sendsKey, allowed)).toEqual(expected);
  });
});

describe('a user:password in the URL: never sent, never shown', () => {
  it.each([
    ['http://ana:pw@127.0.0.1:8080', 'ws://127.0.0.1:8080/v1/listen'],
    ['https://ana@api.example.com/dg', 'wss://api.example.com/dg/v1/listen'],
  ])('listenEndpoint(%s) = %s', (input, expected) => expect(listenEndpoint(input).toString()).toBe(expected));
  it.each([
    ['https://ana:pw@dg.example.com/v1', 'https://dg.example.com/v1'],
    ['ws://:pw@h:1/x?a=1', 'ws://h:1/x?a=1'],
    ['https://api.deepgram.com', 'https://api.deepgram.com'],
    ['nova-3', 'nova-3'],
    ['0=Ana,1=Bo', '0=Ana,1=Bo'],
  ])('displayUrl(%s) = %s', (input, expected) => expect(displayUrl(input)).toBe(expected));
});

describe("--speed above 1.25 against Deepgram's hosted API: one warning", () => {
  const warning = (shown: string) =>
    `--speed ${shown} is faster than Deepgram's hosted API processes audio (about 1.25x real time): results arrive late, not sooner; --batch transcribes a whole file in seconds instead`;
  it.each<[string, number, string | undefined]>([
    ['https://api.deepgram.com', 1, undefined],
    ['https://api.deepgram.com', 1.25, undefined],
    ['https://api.deepgram.com', 1.5, warning('1.5')],
    ['https://api.eu.deepgram.com', Infinity, warning('max')],
    ['http://127.0.0.1:8080', Infinity, undefined],
    ['https://deepgram.example.com', 4, undefined],
    ['https://notdeepgram.com', 4, undefined],
  ])('%s at %s', (url, speed, expected) => expect(hostedSpeedWarning(url, speed)).toBe(expected));
  it.each([
    ['https://api.deepgram.com', true],
    ['wss://API.Deepgram.com.', true],
    ['https://evildeepgram.com', false],
    ['https://deepgram.com.evil.net', false],
  ])('isDeepgramHosted(%s) = %s', (url, hosted) => expect(isDeepgramHosted(url)).toBe(hosted));
});
