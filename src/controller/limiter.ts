/**
 * Bounds in-flight calls to one cloud endpoint (a semaphore), and backs off when the cloud throttles:
 * additive increase, multiplicative decrease of the concurrency window (TCP-style), so 1,000 instances never
 * mean 1,000 simultaneous API calls and a throttling cloud sees fewer, not more.
 */
import { narrowsLimiter } from '../errors/index.js';

export interface LimiterOptions {
  /** most calls in flight at once */
  concurrency: number;
  /** errors that mean "slow down": by default, those of class "throttled" (src/errors/classes.ts) */
  isThrottle?: (e: unknown) => boolean;
}

const defaultIsThrottle = narrowsLimiter;

export class EndpointLimiter {
  private window: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private successesSinceGrow = 0;
  private readonly isThrottle: (e: unknown) => boolean;

  constructor(private readonly opts: LimiterOptions) {
    this.window = opts.concurrency;
    this.isThrottle = opts.isThrottle ?? defaultIsThrottle;
  }

  get limit(): number {
    return this.window;
  }

  get active(): number {
    return this.inFlight;
  }

  /**
   * Runs fn in a slot. fn may hand its slot on before it ends with `done()` (idempotent): the calls the bound is
   * for are over and what is left is a read, e.g. Docker's inspect after create + start.
   */
  async run<T>(fn: (done: () => void) => Promise<T>): Promise<T> {
    // a waiter is handed its slot by release(), already counted
    if (this.inFlight < this.window) this.inFlight++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let held = true;
    const done = () => {
      if (!held) return;
      held = false;
      this.inFlight--;
      this.release();
    };
    try {
      const result = await fn(done);
      this.onSuccess();
      return result;
    } catch (e) {
      if (this.isThrottle(e)) this.window = Math.max(1, Math.floor(this.window / 2));
      throw e;
    } finally {
      done();
    }
  }

  private onSuccess(): void {
    if (this.window >= this.opts.concurrency) return;
    // grow by one after a window's worth of successes
    if (++this.successesSinceGrow >= this.window) {
      this.successesSinceGrow = 0;
      this.window++;
    }
  }

  private release(): void {
    while (this.inFlight < this.window && this.waiting.length > 0) {
      this.inFlight++;
      this.waiting.shift()!();
    }
  }
}
