/**
 * Times the runtime's reconcile ticks through its public dependencies only (no hook in src/): a tick begins with
 * `store.getInfra()` (it re-reads the desired state) and ends by scheduling the next one on the clock, after
 * `resyncMs` (converged) or `pollMs` (still working). Give both distinctive values.
 */
import { systemClock, type Clock } from '../../src/controller/clock.js';
import type { Store } from '../../src/state/store.js';

export interface TickTimer {
  store: Store;
  clock: Clock;
  /** durations of the ticks so far, ms, in order */
  ticks: number[];
}

export function tickTimer(store: Store, periods: number[], clock: Clock = systemClock): TickTimer {
  const ticks: number[] = [];
  let started: number | undefined;
  const timedStore = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'getInfra') {
        return (...args: unknown[]) => {
          started = performance.now();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  const timedClock: Clock = {
    now: () => clock.now(),
    clearTimeout: (id) => clock.clearTimeout(id),
    setTimeout(fn, ms) {
      if (started !== undefined && periods.includes(ms)) {
        ticks.push(performance.now() - started);
        started = undefined;
      }
      return clock.setTimeout(fn, ms);
    },
  };
  return { store: timedStore, clock: timedClock, ticks };
}
