/**
 * Child: the baseline of the scale benchmark. N raw dummy-driver create calls through the same per-endpoint
 * limiter and concurrency reef uses, and nothing else (no store, no machines, no plan).
 *   node raw-creates.js N CONCURRENCY
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DummyDriver } from '../../src/reconcilers/dummy/index.js';
import { EndpointLimiter } from '../../src/controller/limiter.js';
import { systemClock } from '../../src/controller/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { cpuMsSince, peakRssMb, report } from '../lib/child.js';
import { NODES } from './topology.js';

const N = Number(process.argv[2]);
const concurrency = Number(process.argv[3] ?? 16);
const dir = mkdtempSync(join(tmpdir(), 'reef-bench-raw-'));
const log = silentLogger();
const driver = new DummyDriver({ stateDir: dir, log });
const limiter = new EndpointLimiter({ concurrency });
const ctx = { signal: new AbortController().signal, log, clock: systemClock };

try {
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: N }, (_, i) => {
      const node = `n${i % NODES}`;
      const instanceId = `${node}-${i.toString(16).padStart(12, '0')}`;
      return limiter.run(() => driver.create(
        { instanceId, labels: { infra: 'bench-raw', node, instance: instanceId }, resource: { type: 'dummy' }, context: { kind: 'none' } },
        ctx,
      ));
    }),
  );
  const wallMs = performance.now() - t0;
  report({ n: N, concurrency, wallMs, cpuMs: cpuMsSince(cpu0), peakRssMb: peakRssMb() });
} finally {
  await driver.close();
  rmSync(dir, { recursive: true, force: true });
}
