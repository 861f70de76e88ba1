/**
 * A converged infra costs the store nothing between changes: a ready instance whose periodic health check passes
 * writes no row (at 10,000 instances checked every 10 s that was ~2,000 row writes a second per replica, the
 * bench's steady-state PostgreSQL load), while a check that fails is written at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';
import { infraSpec, node } from '../helpers/spec.js';

let h: Harness;
beforeEach(async () => { h = harness({ simulated: true }); await h.ready(); });
afterEach(async () => { await h.close(); });

describe('steady state writes', () => {
  it('writes no row for passed health checks, and writes the one that fails', async () => {
    const written: string[] = [];
    const writeBatch = h.store.writeBatch.bind(h.store);
    h.store.writeBatch = async (batch, fence) => {
      written.push(...(batch.patches ?? []).map((u) => `${u.id}:${u.patch.state ?? '-'}`));
      return writeBatch(batch, fence);
    };
    await h.store.putInfra(infraSpec('sw', [node('w', { min: 20, max: 20 })]));
    const c = h.controller({ healthIntervalS: 1 });
    await c.serve();
    const ready = async () => (await h.store.listInstances('sw')).filter((i) => i.state === 'ready').length === 20;
    await h.until('20 ready', ready, 30_000);
    await h.advance(2_000);
    written.length = 0;
    // five health-check rounds of 20 ready instances
    await h.advance(5_000);
    expect(written).toEqual([]);
    const sick = h.cloud.all('sw')[0];
    h.cloud.markUnhealthy(sick.id);
    await h.until('the failed check is written', () => written.some((w) => w === `${sick.labels.instance}:unhealthy`), 10_000);
    expect(written.every((w) => w.startsWith(`${sick.labels.instance}:`))).toBe(true);
  });
});
