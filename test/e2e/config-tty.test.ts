import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cliEnv } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';
import { tempDir } from '../support/temp.js';

const KEY = 'dg0123456789abcdef0123456789abcdef4b2c';
let screen: TmuxScreen | undefined;
afterEach(() => screen?.kill());

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(missing('tmux'))('transcribe config set api-key on a terminal (apt-get install -y tmux)', () => {
  it('asks for the key without echoing it', async () => {
    const dir = tempDir('transcribe-prompt-');
    screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" config set api-key`, { width: 200, height: 10, env: cliEnv({ TRANSCRIBE_CONFIG_DIR: dir }) }); // wide: the path must not wrap
    await until(() => screen!.capture().join('\n').includes('Deepgram API key (input hidden):'), 'the prompt');
    execFileSync('tmux', ['send-keys', '-t', screen.name, '-l', `Token ${KEY}x`]);
    execFileSync('tmux', ['send-keys', '-t', screen.name, 'BSpace', 'Enter']);
    await until(() => screen!.capture().some((line) => line.startsWith('EXIT=')), 'the exit');
    const lines = screen.capture();
    expect(lines).toEqual(['Deepgram API key (input hidden):', `transcribe: set api-key (****4b2c) in ${dir}/config.json`, 'EXIT=0']);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ 'api-key': KEY });
  });
});

describe.skipIf(missing('bash', 'zsh', 'fish'))('transcribe completion (apt-get install -y zsh fish)', () => {
  const bin = tempDir('transcribe-bin-');
  const config = tempDir('transcribe-completion-');
  // `transcribe` on PATH, as an installed CLI would be, for the scripts' profile lookup.
  writeFileSync(join(bin, 'transcribe'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'transcribe'), 0o755);
  writeFileSync(join(config, 'config.json'), JSON.stringify({ profiles: { work: {}, home: {} } }), { mode: 0o600 });
  const env = { ...cliEnv({ TRANSCRIBE_CONFIG_DIR: config }), PATH: `${bin}:${process.env.PATH}` };
  const script = (shell: string) => execFileSync('transcribe', ['completion', shell], { env, encoding: 'utf8' });

  /** What bash offers after typing `line` and pressing Tab. */
  function bashComplete(line: string): string[] {
    const program = `${script('bash')}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); [[ "${line}" == *" " ]] && COMP_WORDS+=("") && COMP_CWORD=$((COMP_CWORD + 1)); _transcribe; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync('bash', ['-c', program], { env, encoding: 'utf8' }).split('\n').filter(Boolean);
  }

  it.each([
    ['transcribe ', ['live', 'file', 'config', 'history', 'completion', 'models', 'doctor', 'usage', 'help', '--help', '--version']],
    ['transcribe live --dev', ['--device']],
    ['transcribe config ', ['set', 'get', 'list', 'unset', 'path', 'profiles']],
    ['transcribe config set utt', ['utterance-end']],
    ['transcribe file x.wav --sm', ['--smart-format']],
    ['transcribe file x.wav --profile ', ['work', 'home']],
    ['transcribe completion ', ['bash', 'zsh', 'fish']],
  ])('bash: %j', (line, offered) => {
    expect(bashComplete(line)).toEqual(offered);
  });

  it.each([
    ['zsh', ['zsh', '-n']],
    ['fish', ['fish', '--no-execute']],
  ])('%s: the script parses', (shell, command) => {
    execFileSync(command[0]!, [...command.slice(1), '-c', script(shell)], { env });
  });

  it('fish: completes config keys and profiles', () => {
    const complete = (line: string) =>
      execFileSync('fish', ['-c', `${script('fish')}\ncomplete -C '${line}'`], { env, encoding: 'utf8' })
        .split('\n')
        .map((row) => row.split('\t')[0])
        .filter(Boolean);
    expect(complete('transcribe config set utt')).toEqual(['utterance-end']);
    expect(complete('transcribe file x.wav --profile ')).toEqual(['home', 'work']);
  });
});

describe.skipIf(missing('tmux', 'bash', 'zsh'))('completion of a hostile profile name on a real terminal (apt-get install -y tmux zsh)', () => {
  it.each(['bash', 'zsh'])('%s: Tab after --profile inserts the name quoted and never runs it', async (shell) => {
    const tmp = mkdtempSync(join(tmpdir(), 'transcribe-hostile-'));
    try {
      const bin = join(tmp, 'bin');
      const config = join(tmp, 'config');
      for (const [path, text, mode] of [
        [join(bin, 'transcribe'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, 0o755],
        [join(config, 'config.json'), JSON.stringify({ profiles: { '$(touch pwned)': {} } }), 0o600],
        // Each shell starts in tmp, where a profile name that ran would leave its file.
        [join(tmp, 'rc.bash'), `cd '${tmp}'\neval "$(transcribe completion bash)"\nPS1='$ '\n`, 0o600],
        [join(tmp, '.zshrc'), `cd '${tmp}'\nautoload -U compinit && compinit -u -D\neval "$(transcribe completion zsh)"\nPS1='$ '\n`, 0o600],
      ] as const) {
        execFileSync('mkdir', ['-p', join(path, '..')]);
        writeFileSync(path, text, { mode });
      }
      const env = { ...cliEnv({ TRANSCRIBE_CONFIG_DIR: config, ZDOTDIR: tmp }), PATH: `${bin}:${process.env.PATH}` };
      const start = shell === 'bash' ? `bash --noprofile --rcfile '${tmp}/rc.bash' -i` : 'zsh -i';
      screen = TmuxScreen.start(start, { width: 100, height: 10, env });
      await until(() => screen!.capture().some((line) => line.startsWith('$')), 'the prompt');
      execFileSync('tmux', ['send-keys', '-t', screen.name, '-l', 'transcribe file x.wav --profile ']);
      execFileSync('tmux', ['send-keys', '-t', screen.name, 'Tab']);
      const completed = '$ transcribe file x.wav --profile \\$\\(touch\\ pwned\\)';
      await until(() => screen!.capture().includes(completed), `the completed line, on:\n${screen.capture().join('\n')}`);
      expect(readdirSync(tmp)).not.toContain('pwned');
    } finally {
      screen?.kill();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
