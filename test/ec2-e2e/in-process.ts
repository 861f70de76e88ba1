/**
 * reef in this process, for faults injected mid-run: the real store, registry and controller (fast timings),
 * the real ec2 driver (with options a test chooses, e.g. a short request timeout), the example copy of a
 * Site compiled as `reef apply` would, and a debug log kept in memory.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import type { Store } from '../../src/state/store.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import { createEc2Driver, type Ec2DriverOptions } from '../../src/reconcilers/ec2/index.js';
import { createController, type Controller, type RunResult } from '../../src/controller/controller.js';
import { DEFAULT_OPTIONS, type ControllerOptions } from '../../src/controller/options.js';
import type { Clock } from '../../src/controller/clock.js';
import type { RuntimeStatus } from '../../src/controller/status.js';
import { EndpointLimiter } from '../../src/controller/limiter.js';
import { compileInfra, loadAuthFile } from '../../src/schemas/index.js';
import { FAST } from '../helpers/harness.js';
import { MemoryLog } from '../ec2/harness.js';
import type { Ec2Site } from './site.js';

export interface InProcessReef {
  infraId: string;
  store: Store;
  /** the current controller (a restart replaces it) */
  readonly controller: Controller;
  log: MemoryLog;
  /** one `reef apply --wait`: reconcile until converged, failed or timed out; onTick sees each tick's status */
  converge(timeoutMs?: number, onTick?: (s: RuntimeStatus) => void): Promise<RunResult>;
  /** the narrowest concurrency window the site's endpoint limiter had after any call */
  narrowestWindow(): number;
  /** a later `reef` process: the current controller and drivers are stopped, new ones reopen the same store */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startReef(
  site: Ec2Site,
  opts: { driver?: Ec2DriverOptions; options?: Partial<ControllerOptions>; clock?: Clock } = {},
): Promise<InProcessReef> {
  const stateDir = join(site.dir, '.reef');
  mkdirSync(stateDir, { recursive: true });
  const log = new MemoryLog();
  const store = openSqliteStore(join(stateDir, 'state.db'));
  const modules = BUILTIN_DRIVERS.map((m) =>
    m.type === 'ec2' ? { ...m, load: async () => (deps: Parameters<typeof createEc2Driver>[0]) => createEc2Driver(deps, opts.driver) } : m,
  );
  const options = { ...FAST, ...opts.options };
  const limiter = new RecordingLimiter({ concurrency: options.concurrency ?? DEFAULT_OPTIONS.concurrency });
  const open = () => {
    const registry = new DriverRegistry(modules, { stateDir, log: log.logger });
    const controller = createController({ store, registry, log: log.logger, clock: opts.clock, options, loadAuth: loadAuthFile });
    // Why the cast: the controller keeps its limiters private; seeding the map is the only way to watch one.
    (controller as unknown as { limiters: Map<string, EndpointLimiter> }).limiters.set(`ec2|${site.fake.url}|eu-west-1`, limiter);
    return { registry, controller };
  };
  let current = open();
  const spec = compileInfra({ infraFile: site.infraFile, nodesFile: site.nodesFile, resourceSchemas: current.registry.resourceSchemas() });
  await store.putInfra(spec, { authPath: site.authFile });
  const shutdown = async () => {
    await current.controller.stop();
    await current.registry.close();
  };
  return {
    infraId: spec.id,
    store,
    get controller() {
      return current.controller;
    },
    log,
    converge: (timeoutMs = 30_000, onTick) => current.controller.run(spec.id, { timeoutMs, onStatus: onTick }),
    narrowestWindow: () => limiter.narrowest,
    async restart() {
      await shutdown();
      current = open();
    },
    async close() {
      await shutdown();
      await store.close();
    },
  };
}

/** An endpoint limiter that remembers how narrow its window got (it widens again after successes). */
class RecordingLimiter extends EndpointLimiter {
  narrowest = Number.POSITIVE_INFINITY;
  override async run<T>(fn: (done: () => void) => Promise<T>): Promise<T> {
    try {
      return await super.run(fn);
    } finally {
      this.narrowest = Math.min(this.narrowest, this.limit);
    }
  }
}
