/**
 * Child: reef keeps a head and WORKERS workers alive (in-process `serve()`, production defaults but stableMs; the
 * Docker driver watches the engine's events). KILLS times: `docker kill` one worker, and time until a
 * replacement worker is ready (the store holds `target` ready workers again, none of them the killed one).
 *   node recovery.js KILLS WORKERS
 */
import { median, report } from '../lib/child.js';
import { benchSpec, engine, inProcessReef, sweepAll } from './common.js';

const KILLS = Number(process.argv[2] ?? 10);
const WORKERS = Number(process.argv[3] ?? 5);
const POLL_MS = 5;
const LIMIT_MS = 30_000;

// Ten kills of one node's workers within seconds is exactly what reef's crash-loop guard reads as a node that
// keeps failing (it gives up after max(5, 2 × target) failures in a row). The benchmark measures recovery
// latency, not that policy: stableMs 0 makes every kill count as a first failure.
const reef = inProcessReef({ stableMs: 0 });
const spec = benchSpec(WORKERS);
const label = `reef.infra=${spec.id}`;

async function readyWorkers(): Promise<string[]> {
  const rows = await reef.store.listInstances(spec.id);
  return rows.filter((r) => r.node === 'worker' && r.state === 'ready' && !r.destroyReason).map((r) => r.id);
}

async function until(predicate: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + LIMIT_MS;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`no ${what} within ${LIMIT_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const times: number[] = [];
await sweepAll();
try {
  await reef.store.putInfra(spec);
  await reef.controller.serve();
  await until(async () => (await readyWorkers()).length === WORKERS, 'initial deployment');
  for (let k = 0; k < KILLS; k++) {
    const before = await readyWorkers();
    const victim = before[k % before.length];
    const [container] = await engine.listContainers({ filters: { label: [`reef.instance=${victim}`] } });
    const t0 = performance.now();
    await engine.getContainer(container.Id).kill();
    await until(async () => {
      const now = await readyWorkers();
      return now.length === WORKERS && !now.includes(victim);
    }, `replacement of ${victim}`);
    times.push(performance.now() - t0);
  }
} finally {
  await reef.close();
  await sweepAll();
}
report({ kills: KILLS, workers: WORKERS, pollMs: POLL_MS, times, medianMs: median(times), maxMs: Math.max(...times) });
