/**
 * Child: reef deploys N dummy instances (zero delay) and is measured at every step.
 *   node reef-deploy.js N CONCURRENCY
 * deploy (wall, CPU, peak RSS), re-apply of the unchanged spec, steady-state ticks, `reef status` subprocess.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import { createController, type Controller } from '../../src/controller/controller.js';
import type { ControllerOptions } from '../../src/controller/options.js';
import { openDummyCloud } from '../../src/reconcilers/dummy/index.js';
import { cpuMsSince, median, peakRssMb, percentile, report, repoRoot } from '../lib/child.js';
import { silentLogger } from '../../src/util/log.js';
import { tickTimer } from '../lib/tick-timer.js';
import { scaleSpec } from './topology.js';

const N = Number(process.argv[2]);
const concurrency = Number(process.argv[3] ?? 16);
const INFRA = 'bench-scale';

/** Fast polling so that the figures are reef's work, not its timers; health checks at their default period. */
const POLL_MS = 50;
const RESYNC_MS = 250;
export const BENCH_OPTIONS = (c: number): Partial<ControllerOptions> => ({
  pollMs: POLL_MS, resyncMs: RESYNC_MS, checkDelayMs: 20, healthIntervalS: 10, backoff: { baseMs: 10, maxMs: 100 }, concurrency: c,
});

const dir = mkdtempSync(join(tmpdir(), 'reef-bench-'));
const statePath = join(dir, 'state.db');
const store = openSqliteStore(statePath);
const log = silentLogger();
const timer = tickTimer(store, [POLL_MS, RESYNC_MS]);
const ticks = timer.ticks;
const registry = new DriverRegistry(BUILTIN_DRIVERS, { stateDir: dir, log });
const controllers: Controller[] = [];
const controller = () => {
  const c = createController({ store: timer.store, clock: timer.clock, registry, log, options: BENCH_OPTIONS(concurrency) });
  controllers.push(c);
  return c;
};

try {
  const spec = scaleSpec(INFRA, N);
  await store.putInfra(spec);
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deployed = await controller().run(INFRA, { timeoutMs: 120_000 });
  const deployMs = performance.now() - t0;
  const deployCpuMs = cpuMsSince(cpu0);
  const deployPeakRssMb = peakRssMb();
  if (deployed.kind !== 'converged') throw new Error(`deploy did not converge: ${deployed.kind}`);

  const cloud = openDummyCloud(dir, 'default');
  const inCloud = cloud.count(INFRA);
  cloud.close();
  if (inCloud !== N) throw new Error(`cloud holds ${inCloud} instances, expected ${N}`);

  // re-apply of the unchanged spec: the store keeps the generation; the CLI's run() resumes every machine
  // from its snapshot, observes once and finds nothing to do
  const put = await store.putInfra(spec);
  if (put.changed) throw new Error('unchanged spec counted as a change');
  const t1 = performance.now();
  const reapplied = await controller().run(INFRA, { timeoutMs: 60_000 });
  const reapplyMs = performance.now() - t1;
  if (reapplied.kind !== 'converged') throw new Error(`re-apply did not converge: ${reapplied.kind}`);
  const cloudAfter = openDummyCloud(dir, 'default');
  const createdByReapply = cloudAfter.count(INFRA) - N;
  cloudAfter.close();

  // steady state: a serving controller resyncs the converged infra every resyncMs; the runtime times each tick
  const serving = controller();
  const from = ticks.length;
  await serving.serve();
  // attaching restores every machine (and health-probes every ready one) before the resync ticks begin
  const deadline = performance.now() + 30_000;
  while (ticks.length - from < 22 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await serving.stop();
  const steady = ticks.slice(from + 2); // the first ticks after attach feed every restored machine its observation

  const reefBin = join(repoRoot(), 'bin', 'reef.js');
  const timeStatus = (extra: string[]) => {
    const s = performance.now();
    const r = spawnSync(process.execPath, [reefBin, '--state', statePath, 'status', INFRA, ...extra], {
      encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'warn' },
    });
    if (r.status !== 0) throw new Error(`reef status exited ${r.status}: ${r.stderr}`);
    return performance.now() - s;
  };
  const statusTableMs = timeStatus([]);
  const statusJsonMs = median([0, 1, 2].map(() => timeStatus(['-o', 'json'])));
  // what any reef command costs before it does anything: node start-up and module loading
  const cliStartMs = median([0, 1, 2].map(() => {
    const s = performance.now();
    spawnSync(process.execPath, [reefBin, '--help'], { encoding: 'utf8' });
    return performance.now() - s;
  }));

  report({
    n: N, concurrency, deployMs, deployCpuMs, deployPeakRssMb,
    reapplyMs, createdByReapply,
    steadyTickMedianMs: median(steady), steadyTickP95Ms: percentile(steady, 95), steadyTicks: steady.length,
    statusTableMs, statusJsonMs, cliStartMs,
  });
} finally {
  await Promise.all(controllers.map((c) => c.stop()));
  await registry.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
