/**
 * Simulated time for whole-controller tests: xstate's SimulatedClock (the one the machine and tick-queue tests
 * use), plus the two things a test of a running controller needs. `settle()` lets everything runnable run
 * (setImmediate chains, the store's and the dummy cloud's synchronous I/O, microtasks) without waiting on any
 * real timer; `until()`, `drive()` and `advance()` then move the clock from one due timer to the next, so a
 * minute of lease renewals, polls, backoffs and health checks costs only the work it does.
 */
import { SimulatedClock } from 'xstate';
import type { Clock } from '../../src/util/clock.js';

interface Pending { start: number; timeout: number }

export class TestClock extends SimulatedClock implements Clock {
  /** starts at the real time, so times written by the test itself (store defaults) stay comparable */
  constructor(start = Date.now()) {
    super();
    this.set(start);
  }

  /** when the earliest pending timer is due, if any */
  nextDue(): number | undefined {
    const pending = (this as unknown as { timeouts: Map<number, Pending> }).timeouts;
    let due: number | undefined;
    for (const t of pending.values()) if (due === undefined || t.start + t.timeout < due) due = t.start + t.timeout;
    return due;
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** Lets everything runnable run; no real timer is waited on. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await turn();
}

/** Runs timers in order until `pred` holds; fails after `maxMs` of simulated time. */
export async function until(clock: TestClock, what: string, pred: () => boolean | Promise<boolean>, maxMs = 120_000): Promise<void> {
  const end = clock.now() + maxMs;
  for (let step = 0; step < 1_000_000; step++) {
    await settle();
    if (await pred()) return;
    if (clock.now() >= end) break;
    const due = clock.nextDue();
    clock.set(Math.min(Math.max(due ?? end, clock.now()), end));
  }
  throw new Error(`not reached within ${maxMs} simulated ms: ${what}`);
}

/** Runs timers until the promise settles (a `run()` with its own timeout), and returns its outcome. */
export async function drive<T>(clock: TestClock, p: Promise<T>, maxMs = 600_000): Promise<T> {
  let done = false;
  const watched = p.finally(() => { done = true; });
  await until(clock, 'the call to settle', () => done, maxMs);
  return watched;
}

/** Lets `ms` of simulated time pass, running every timer due meanwhile in order. */
export async function advance(clock: TestClock, ms: number): Promise<void> {
  const target = clock.now() + ms;
  await until(clock, `${ms} ms to pass`, () => clock.now() >= target, ms + 1);
  await settle();
}
