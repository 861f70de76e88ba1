/**
 * An in-process reef: a temp store, the dummy driver, a controller with fast timings. `harness({ simulated: true })`
 * runs controllers on a simulated clock (sim-clock.ts): `drive(c.run(…))` runs timers until the run has an outcome,
 * `until` and `advance` move time for tests of a serving controller; nothing waits on real time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import { createController, type Controller } from '../../src/controller/controller.js';
import { silentLogger } from '../../src/util/log.js';
import { openDummyCloud, type DummyCloud } from '../../src/reconcilers/dummy/index.js';
import type { ControllerOptions } from '../../src/controller/options.js';
import type { Store } from '../../src/state/store.js';
import { TestClock, advance, drive, until } from './sim-clock.js';

export interface Harness {
  dir: string;
  store: Store;
  registry: DriverRegistry;
  cloud: DummyCloud;
  controller(opts?: Partial<ControllerOptions>): Controller;
  close(): Promise<void>;
  /** set with `simulated: true` */
  clock?: TestClock;
  /** awaits a promise (a controller's `run()`), running simulated timers meanwhile */
  drive<T>(p: Promise<T>): Promise<T>;
  /** runs timers until `pred` holds (simulated), or polls it every 20 ms (real time); fails after `maxMs` */
  until(what: string, pred: () => boolean | Promise<boolean>, maxMs?: number): Promise<void>;
  /** lets `ms` pass: simulated, or really waited */
  advance(ms: number): Promise<void>;
  /** the dummy driver loaded, so no real module load happens while simulated time runs */
  ready(): Promise<void>;
}

export const FAST: Partial<ControllerOptions> = {
  pollMs: 50, resyncMs: 200, checkDelayMs: 20, healthIntervalS: 1, backoff: { baseMs: 10, maxMs: 100 }, leaseTtlMs: 3000,
};

export function harness(o: { simulated?: boolean } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'reef-test-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const log = silentLogger();
  const registry = new DriverRegistry(BUILTIN_DRIVERS, { stateDir: dir, log });
  const clock = o.simulated ? new TestClock() : undefined;
  // orphans the test inserts are created at the controllers' time
  const cloud = openDummyCloud(dir, 'default', clock ? { now: () => clock.now() } : {});
  const controllers: Controller[] = [];
  return {
    dir, store, registry, cloud, clock,
    controller(opts = {}) {
      const c = createController({ store, registry, log, clock, options: { ...FAST, ...opts } });
      controllers.push(c);
      return c;
    },
    drive(p) {
      return clock ? drive(clock, p) : p;
    },
    async until(what, pred, maxMs = 10_000) {
      if (clock) return until(clock, what, pred, maxMs);
      const end = Date.now() + maxMs;
      while (!(await pred())) {
        if (Date.now() > end) throw new Error(`not reached within ${maxMs} ms: ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async advance(ms) {
      if (clock) return advance(clock, ms);
      await new Promise((r) => setTimeout(r, ms));
    },
    async ready() {
      await registry.get('dummy');
    },
    async close() {
      await Promise.all(controllers.map((c) => c.stop()));
      await registry.close();
      await store.close();
      cloud.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
