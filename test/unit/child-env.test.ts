import { describe, expect, it } from 'vitest';
import { childEnv } from '../../src/audio/child-env.js';
import { readError } from '../../src/audio/input-file.js';

describe('childEnv: what ffmpeg, SoX and arecord are given', () => {
  it('drops the API key, DEEPGRAM_*, and anything named like a secret; keeps the rest', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/a',
      PULSE_SERVER: 'unix:/run/pulse',
      AUDIODEV: 'hw:1',
      DEEPGRAM_API_KEY: 'k1',
      DEEPGRAM_API_URL: 'wss://x',
      deepgram_api_key: 'k2',
      GITHUB_TOKEN: 't',
      AWS_SECRET_ACCESS_KEY: 's',
      DB_PASSWORD: 'p',
      SSH_AUTH_SOCK_KEY: 'x',
      GOOGLE_APPLICATION_CREDENTIALS: '/c.json',
      UNSET: undefined,
    };
    expect(childEnv(env)).toEqual({ PATH: '/usr/bin', HOME: '/home/a', PULSE_SERVER: 'unix:/run/pulse', AUDIODEV: 'hw:1' });
  });
});

describe('readError: errno codes as sentences', () => {
  it.each([
    ['EACCES', 'permission denied: a.wav', 'check the file permissions'],
    ['EPERM', 'permission denied: a.wav', 'check the file permissions'],
    ['ENOENT', 'no such file: a.wav', 'check the path, or use - to read stdin'],
    ['EIO', 'input/output error (a failing disk or a disconnected drive?): a.wav', 'check the path'],
    ['EWEIRD', 'cannot read a.wav: EWEIRD', 'check the path'],
  ])('%s', (code, message, hint) => {
    const error = Object.assign(new Error('x'), { code });
    expect(readError('a.wav', error)).toMatchObject({ message, hint, exitCode: 4 });
  });
});
