import { execFileSync } from 'node:child_process';

/** A detached tmux session of a fixed size, to run the CLI on a real pseudo-terminal and read the screen. */
export class TmuxScreen {
  private constructor(readonly name: string) {}

  static start(command: string, options: { width: number; height: number; env: Record<string, string> }): TmuxScreen {
    const name = `transcribe-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const exports = Object.entries(options.env)
      .map(([key, value]) => `${key}='${value.replace(/'/g, "'\\''")}'`)
      .join(' ');
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', String(options.width), '-y', String(options.height), `env ${exports} ${command}; echo "EXIT=$?"; sleep 60`]);
    return new TmuxScreen(name);
  }

  /** The visible screen (with `history`, the scrollback above it too), trailing blank lines removed. */
  capture(history = false): string[] {
    const text = execFileSync('tmux', ['capture-pane', '-p', ...(history ? ['-S', '-'] : []), '-t', this.name], { encoding: 'utf8' });
    const lines = text.split('\n').map((line) => line.trimEnd());
    while (lines.length && !lines.at(-1)) lines.pop();
    return lines;
  }

  resize(width: number, height: number): void {
    execFileSync('tmux', ['resize-window', '-t', this.name, '-x', String(width), '-y', String(height)]);
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
