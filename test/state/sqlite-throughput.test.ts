/** Logs how long a 10,000-instance write-behind flush takes; the number is reported, not asserted. */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/state/sqlite/index.js';
import type { InstancePatch } from '../../src/state/store.js';
import { instance, node, spec, tempDir } from './fixtures.js';

const N = 10_000;
let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;
beforeEach(async () => {
  tmp = tempDir();
  store = openSqliteStore(join(tmp.dir, 'reef.db'));
  await store.putInfra(spec([node('worker', 1, N)]));
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

// The shapes a controller flush is made of: transitions, retries, snapshots.
function patchFor(i: number, round: number): InstancePatch {
  const now = 10_000 + round;
  switch (i % 3) {
    case 0: return { state: 'booting', updatedAt: now };
    case 1: return { attempts: round, lastError: { code: 'REEF_X', message: 'retry', transient: true }, updatedAt: now };
    default: return {
      state: 'ready', machineVersion: 1, readyAt: now, updatedAt: now,
      snapshot: { value: 'ready', context: { instanceId: `i${i}`, attempt: round, deadline: now + 600_000 } },
    };
  }
}

it(`flushes ${N} instance patches in one writeInstances call`, async () => {
  for (let i = 0; i < N; i++) await store.insertInstance(instance(`i${i}`));
  const timings: number[] = [];
  for (let round = 1; round <= 5; round++) {
    const updates = Array.from({ length: N }, (_, i) => ({ id: `i${i}`, patch: patchFor(i, round) }));
    const start = performance.now();
    await store.writeInstances(updates);
    timings.push(performance.now() - start);
  }
  const sorted = [...timings].sort((a, b) => a - b);
  console.log(`writeInstances(${N}): ${timings.map((t) => t.toFixed(1)).join(', ')} ms; median ${sorted[2].toFixed(1)} ms`);
  expect(await store.getInstance('i3')).toMatchObject({ state: 'booting', updatedAt: 10_005 });
  expect(await store.getInstance('i4')).toMatchObject({ attempts: 5, lastError: { code: 'REEF_X' } });
  expect(await store.getInstance('i5')).toMatchObject({ state: 'ready', readyAt: 10_005, snapshot: { context: { attempt: 5 } } });
});
