/**
 * The live progress display of apply/scale/destroy on a terminal: redraws one frame in place (log-update) on
 * every status the controller publishes and on a 100 ms timer for the spinner and the clock. Warnings and
 * errors reef logs anyway arrive through logSink() and are shown under the node lines.
 */
import { createLogUpdate } from 'log-update';
import type { RuntimeStatus } from '../../controller/status.js';
import { renderFrame, type FrameNode } from './frame.js';
import { Notices, type LogRecord } from './notices.js';

export interface LiveOptions {
  stream: NodeJS.WriteStream;
  color: boolean;
  now?: () => number;
  /** redraw period (spinner, elapsed time) */
  frameMs?: number;
}

export class LiveProgress {
  private readonly notices = new Notices();
  private readonly draw: ReturnType<typeof createLogUpdate>;
  private readonly now: () => number;
  private readonly initial = new Map<string, number>();
  private readonly doneAt = new Map<string, number>();
  private status?: RuntimeStatus;
  private mode: 'up' | 'down' = 'up';
  private title = '';
  private startedAt = 0;
  private tick = 0;
  private timer?: NodeJS.Timeout;
  private finished = false;

  constructor(private readonly opts: LiveOptions) {
    this.draw = createLogUpdate(opts.stream);
    this.now = opts.now ?? Date.now;
  }

  /** The pino destination in live mode: one JSON record per write. */
  logSink(): { write(line: string): void } {
    return {
      write: (line: string) => {
        try {
          this.notices.fromLog(JSON.parse(line) as LogRecord);
        } catch {
          this.notices.add(line.trim());
        }
        this.render();
      },
    };
  }

  start(mode: 'up' | 'down', title: string): void {
    this.mode = mode;
    this.title = title;
    this.startedAt = this.now();
    this.timer = setInterval(() => {
      this.tick++;
      this.render();
    }, this.opts.frameMs ?? 100);
    this.timer.unref();
    this.render();
  }

  update(s: RuntimeStatus): void {
    this.status = s;
    this.notices.fromStatus(s);
    const elapsed = this.now() - this.startedAt;
    for (const n of s.nodes) {
      const phases = s.phases[n.name] ?? {};
      const left = Object.values(phases).reduce((a, b) => a + b, 0);
      this.initial.set(n.name, Math.max(this.initial.get(n.name) ?? 0, left));
      const moving = Object.entries(phases).some(([p, c]) => c > 0 && p !== 'ready' && p !== 'failed');
      const done = this.mode === 'down' ? left === 0 : !moving && n.ready === n.target;
      if (done && !this.doneAt.has(n.name)) this.doneAt.set(n.name, elapsed);
      if (!done) this.doneAt.delete(n.name);
    }
    this.render();
  }

  /** Draws the last frame and leaves it on the screen; what is printed next goes below it. */
  finish(outcome: 'ok' | 'failed'): void {
    if (this.finished || !this.startedAt) return;
    this.finished = true;
    clearInterval(this.timer);
    this.draw(this.frame(outcome).join('\n'));
    this.draw.done();
  }

  /** Rows the final frame took, so the caller can tell whether more output still fits on the screen. */
  get height(): number {
    return this.frame('ok').length;
  }

  private render(): void {
    if (this.finished || !this.startedAt) return;
    this.draw(this.frame().join('\n'));
  }

  private frame(final?: 'ok' | 'failed'): string[] {
    const columns = this.opts.stream.columns || 80;
    const rows = this.opts.stream.rows || 24;
    const s = this.status;
    const nodes: FrameNode[] = (s?.nodes ?? []).map((n) => ({
      name: n.name, ready: n.ready, target: n.target, phases: s?.phases[n.name] ?? {}, failedReason: n.failedReason,
      initial: this.initial.get(n.name), doneAtMs: this.doneAt.get(n.name),
    }));
    const body = renderFrame({
      mode: this.mode, nodes, notices: this.notices.list(), elapsedMs: this.now() - this.startedAt, tick: this.tick,
      columns, rows: rows - 1, color: this.opts.color, final,
    });
    return [this.title.length > columns ? `${this.title.slice(0, columns - 1)}…` : this.title, ...body];
  }
}

export { wantsLive } from './wants-live.js';
