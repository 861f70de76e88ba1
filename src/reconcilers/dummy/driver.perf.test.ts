import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../controller/clock.js';
import { silentLogger } from '../../util/log.js';
import { DummyDriver } from './driver.js';

// The benchmark deploys 10,000 dummy instances in under 10 s in all; the driver's share must stay small.
// Bounds are several times the measured values (~0.3 s, ~2 ms) so a busy CI machine does not flake.
describe('dummy driver at 10,000 instances', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'reef-dummy-perf-'));
  const d = new DummyDriver({ stateDir, log: silentLogger() });
  const ctx = { signal: new AbortController().signal, log: silentLogger(), clock: systemClock };
  afterAll(async () => {
    await d.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('creates them in well under 2 s and lists them in a few ms', async () => {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 10_000 }, (_, i) =>
        d.create(
          { instanceId: `i-${i}`, labels: { infra: 'big', node: 'w', instance: `i-${i}` }, resource: { type: 'dummy' }, context: { kind: 'none' } },
          ctx,
        ),
      ),
    );
    const createMs = performance.now() - started;
    expect(new Set(results.map((r) => r.addresses!.ip)).size).toBe(10_000);
    expect(createMs).toBeLessThan(2_000);

    let bestListMs = Infinity;
    for (let round = 0; round < 5; round++) {
      const t = performance.now();
      const list = await d.list({ resource: { type: 'dummy' }, infraId: 'big' }, ctx);
      bestListMs = Math.min(bestListMs, performance.now() - t);
      expect(list).toHaveLength(10_000);
    }
    expect(bestListMs).toBeLessThan(25);
  });
});
