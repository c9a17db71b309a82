import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeModelsCache } from '../../src/account/models-cache.js';
import { parseModels } from '../../src/account/parse-answers.js';
import { completionScript } from '../../src/commands/completion.js';
import { MANAGEMENT_FIXTURES } from '../support/deepgram-server/index.js';
import { BIN, cliEnv } from '../support/run-cli.js';
import { hasTool } from '../support/system-tools.js';
import { tempDir } from '../support/temp.js';

describe.skipIf(!hasTool('bash'))('--model completion (bash), from the cached model list only', () => {
  it('completes the names in the cache; without a cache, nothing (and no network)', () => {
    const bin = tempDir('transcribe-completion-bin-');
    writeFileSync(join(bin, 'transcribe'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'transcribe'), 0o755);
    const cache = tempDir('transcribe-completion-cache-');
    writeModelsCache({ XDG_CACHE_HOME: cache }, 'https://api.deepgram.com', parseModels(MANAGEMENT_FIXTURES.models), Date.now());
    const script = join(bin, 'completion.bash');
    writeFileSync(script, completionScript('bash'));
    const complete = (words: string[], env: Record<string, string>) =>
      execFileSync(
        'bash',
        [
          '-c',
          `source "${script}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _transcribe; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        {
          env: { ...cliEnv(env), PATH: `${bin}:${process.env.PATH}` },
          encoding: 'utf8',
        },
      );
    expect(complete(['transcribe', 'live', '--model', 'nova-3'], { XDG_CACHE_HOME: cache })).toBe('nova-3\nnova-3-general\nnova-3-medical\n');
    expect(complete(['transcribe', 'file', 'x.wav', '--model', 'wh'], { XDG_CACHE_HOME: cache })).toBe('whisper\nwhisper-large\n');
    expect(
      complete(['transcribe', 'live', '--model', 'nova'], { XDG_CACHE_HOME: tempDir('transcribe-completion-empty-'), DEEPGRAM_API_URL: 'http://127.0.0.1:1' }),
    ).toBe('\n');
    expect(complete(['transcribe', 'mod'], { XDG_CACHE_HOME: cache })).toBe('models\n');
  });
});
