import { execFileSync } from 'node:child_process';

/** A detached tmux session of a fixed size, to run the CLI on a real pseudo-terminal and read the screen. */
export class TmuxScreen {
  private constructor(
    readonly name: string,
    private readonly socket?: string,
  ) {}

  /** tmux's arguments for this screen's server: its own (`-S`) when started with `socket`. */
  private args(...args: string[]): string[] {
    return this.socket ? ['-S', this.socket, ...args] : args;
  }

  /** `stty`: settings for the pane's terminal before the command runs (`cols 0`: a terminal that reports no width). */
  /**
   * `socket`: the path of a private tmux server's socket (put it in a tempDir) (killed by kill()) with `set-clipboard on`, so that what the CLI copies with OSC 52 lands in
   * its paste buffer (clipboard()); the shared server's settings are left alone.
   */
  static start(command: string, options: { width: number; height: number; env: Record<string, string>; stty?: string; socket?: string }): TmuxScreen {
    const name = `transcribe-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const exports = Object.entries(options.env)
      .map(([key, value]) => `${key}='${value.replace(/'/g, "'\\''")}'`)
      .join(' ');
    const server = options.socket ? ['-S', options.socket, '-f', '/dev/null'] : [];
    execFileSync('tmux', [
      ...server,
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(options.width),
      '-y',
      String(options.height),
      // env -i: exactly the environment given (the tmux server's own, CI=1 among it, would leak in otherwise).
      `${options.stty ? `stty ${options.stty}; ` : ''}env -i ${exports} ${command}; echo "EXIT=$?"; sleep 60`,
    ]);
    if (options.socket) execFileSync('tmux', [...server, 'set-option', '-s', 'set-clipboard', 'on']);
    return new TmuxScreen(name, options.socket);
  }

  /** What was last copied into the private server's paste buffer (OSC 52), or undefined if nothing was. */
  clipboard(): string | undefined {
    try {
      return execFileSync('tmux', this.args('show-buffer'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  }

  /** The visible screen (with `history`, the scrollback above it too), trailing blank lines removed. */
  /** With `escapes`, colours and other attributes as escape codes. */
  capture(history = false, escapes = false): string[] {
    const text = execFileSync('tmux', this.args('capture-pane', '-p', ...(history ? ['-S', '-'] : []), ...(escapes ? ['-e'] : []), '-t', this.name), {
      encoding: 'utf8',
    });
    const lines = text.split('\n').map((line) => line.trimEnd());
    while (lines.length && !lines.at(-1)) lines.pop();
    return lines;
  }

  /** Keys as tmux names them (`C-c`: the terminal's own SIGINT, to the whole process group). */
  sendKeys(...keys: string[]): void {
    execFileSync('tmux', this.args('send-keys', '-t', this.name, ...keys));
  }

  resize(width: number, height: number): void {
    execFileSync('tmux', this.args('resize-window', '-t', this.name, '-x', String(width), '-y', String(height)));
  }

  /** The processes the pane's shell is running now (the CLI, or the final `sleep`). */
  children(): number[] {
    try {
      const shell = execFileSync('tmux', this.args('display-message', '-p', '-t', this.name, '#{pane_pid}'), { encoding: 'utf8' }).trim();
      return execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    } catch {
      return []; // no such session, or no children
    }
  }

  /** Closes the terminal window only: its processes get SIGHUP and are left to handle it. */
  close(): void {
    try {
      execFileSync('tmux', this.args(this.socket ? 'kill-server' : 'kill-session', ...(this.socket ? [] : ['-t', this.name])), { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }

  /** Ends the session, and the CLI too: one stuck in a loop outlives its terminal's SIGHUP. */
  kill(): void {
    const children = this.children();
    this.close();
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
