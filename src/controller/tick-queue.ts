/**
 * Runs one infra's reconciles one at a time. Requests while one runs collapse into one more (level-based, like
 * controller-runtime's workqueue: a burst of 1,000 transitions costs a couple of reconciles, not 1,000). When a
 * reconcile ends, its result decides when the next one runs (requeue.ts); a request cuts that wait short.
 */
import type { Clock } from './clock.js';
import { asReefError } from '../errors/index.js';
import { FRESH, nextRun, type NextRun, type ReconcileResult, type RequeuePolicy, type RetryState } from './requeue.js';

export interface TickQueueDeps {
  clock: Clock;
  policy: RequeuePolicy;
  rand: () => number;
  reconcile(): Promise<ReconcileResult>;
  /** a new problem, or the end of one (NextRun.report); never called twice for the same problem in a row */
  report(r: NonNullable<NextRun['report']>, state: RetryState): void;
  /** called after every reconcile with the delay chosen (tests and the bench's tick timer read it) */
  onScheduled?(delayMs: number): void;
}

export class TickQueue {
  private running = false;
  private again = false;
  private woken = false;
  private stopped = false;
  private timer: unknown;
  private retry: RetryState = FRESH;

  constructor(private readonly deps: TickQueueDeps) {}

  /** failures in a row of the last reconciles (0 when the last one succeeded) */
  get failures(): number {
    return this.retry.failures;
  }

  /**
   * Asks for a reconcile soon. While the infra is backing off after failures, the backoff wins: machines and
   * cloud events keep asking, and a failing infra must not spin on them.
   */
  request(): void {
    if (this.stopped) return;
    if (this.running || (this.retry.failures > 0 && this.timer !== undefined)) {
      this.again = true;
      return;
    }
    this.runSoon();
  }

  /** A person or another process changed the infra (apply, scale, destroy): reconcile now, backoff or not. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.woken = true;
    else this.runSoon();
  }

  private runSoon(): void {
    this.clearTimer();
    setImmediate(() => void this.runOnce());
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private async runOnce(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    this.again = false;
    this.woken = false;
    let result: ReconcileResult;
    try {
      result = await this.deps.reconcile();
    } catch (e) {
      const error = asReefError(e);
      result = error.transient ? { kind: 'error', error } : { kind: 'terminal', error };
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    const next = nextRun(result, this.retry, this.deps.policy, this.deps.rand());
    this.retry = next.state;
    if (next.report) this.deps.report(next.report, next.state);
    // a request that came in during a successful reconcile runs now; after a failure, the backoff wins
    if (this.woken || (this.again && next.state.failures === 0)) return this.runSoon();
    this.again = false;
    this.clearTimer();
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.runSoon();
    }, next.delayMs);
    this.deps.onScheduled?.(next.delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
