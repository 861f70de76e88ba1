/** An in-process reef: a temp store, the dummy driver, a controller with fast timings. */
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

export interface Harness {
  dir: string;
  store: Store;
  registry: DriverRegistry;
  cloud: DummyCloud;
  controller(opts?: Partial<ControllerOptions>): Controller;
  close(): Promise<void>;
}

export const FAST: Partial<ControllerOptions> = {
  pollMs: 50, resyncMs: 200, checkDelayMs: 20, healthIntervalS: 1, backoff: { baseMs: 10, maxMs: 100 }, leaseTtlMs: 3000,
};

export function harness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'reef-test-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const log = silentLogger();
  const registry = new DriverRegistry(BUILTIN_DRIVERS, { stateDir: dir, log });
  const cloud = openDummyCloud(dir, 'default');
  const controllers: Controller[] = [];
  return {
    dir, store, registry, cloud,
    controller(opts = {}) {
      const c = createController({ store, registry, log, options: { ...FAST, ...opts } });
      controllers.push(c);
      return c;
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
