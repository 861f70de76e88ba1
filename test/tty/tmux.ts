/** A real pseudo-terminal for CLI tests: a private tmux server, a pane of a given size, capture-pane to read it. */
import { execFileSync, spawnSync } from 'node:child_process';

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

export class TmuxPane {
  private readonly socket = `reef-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(readonly columns: number, readonly rows: number) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Runs a shell command in a fresh pane; the pane stays open after it (so its last screen can be read). */
  start(command: string, env: Record<string, string> = {}): void {
    const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v}';`).join(' ');
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', String(this.columns), '-y', String(this.rows),
      `${exports} ${command}; echo "EXIT=$?"; sleep 600`);
  }

  /** The visible screen (with escape sequences when `escapes`), one string per row. */
  screen(escapes = false): string[] {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 't').replace(/\n$/, '').split('\n');
  }

  /** Lines that scrolled off the top of the screen. */
  historySize(): number {
    return Number(this.tmux('display-message', '-p', '-t', 't', '#{history_size}').trim());
  }

  /** Captures the screen every `everyMs` until the command printed its exit line (bounded by `timeoutMs`). */
  async waitForExit(timeoutMs: number, onScreen?: (lines: string[]) => void, everyMs = 200): Promise<{ code: number; lines: string[] }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const lines = this.screen();
      onScreen?.(lines);
      const exit = lines.map((l) => /^EXIT=(\d+)$/.exec(l)).find(Boolean);
      if (exit) return { code: Number(exit[1]), lines };
      await new Promise((r) => setTimeout(r, everyMs));
    }
    throw new Error(`no exit within ${timeoutMs} ms; screen:\n${this.screen().join('\n')}`);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
