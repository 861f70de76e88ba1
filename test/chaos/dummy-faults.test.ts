/**
 * Chaos on the simulated cloud: a fifth of all create attempts fail transiently (reef must still converge), and a
 * node whose every create fails fatally (reef must report it failed once, with the cloud's cause, stop retrying,
 * and leave independent nodes alone).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { harness, type Harness } from '../helpers/harness.js';
import { infraSpec, node } from '../helpers/spec.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Create attempts the simulated cloud counted (its own table: every create call that reached it). */
function attempts(dir: string, keyLike: string): number {
  const db = new Database(join(dir, 'dummy-cloud', 'default.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM attempts WHERE key LIKE ?').get(keyLike) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('dummy cloud with injected create faults', () => {
  it('converges when 20 % of every create attempt fails transiently', async () => {
    h = harness();
    const flaky = { resource: { type: 'dummy', seed: 11, fail_create: { transient: 0.2 } } };
    await h.store.putInfra(infraSpec('flaky', [
      node('head', { min: 2, max: 2, impl: flaky }),
      node('worker', { min: 40, max: 40, dependsOn: ['head'], impl: flaky }),
    ]));
    const result = await h.controller().run('flaky', { timeoutMs: 25_000 });
    expect(result.kind).toBe('converged');
    expect(h.cloud.count('flaky')).toBe(42);
    const made = attempts(h.dir, 'instance:%');
    // the faults really happened: about a quarter more attempts than instances (1/(1-0.2) = 1.25)
    expect(made).toBeGreaterThan(42);
    expect(made).toBeLessThan(42 * 2);
    const rows = await h.store.listInstances('flaky');
    expect(rows.map((r) => r.state)).toEqual(Array(42).fill('ready'));
    expect(new Set(h.cloud.all('flaky').map((r) => r.labels.instance))).toEqual(new Set(rows.map((r) => r.id)));
  }, 30_000);

  it('a node whose creates fail fatally is reported failed once, with its cause, and nothing else suffers', async () => {
    h = harness();
    const doomed = { resource: { type: 'dummy', fail_create: { fatal: 1 } } };
    await h.store.putInfra(infraSpec('fatal', [
      node('doomed', { min: 2, max: 2, impl: doomed }),
      node('solo', { min: 3, max: 3 }),
      node('after', { min: 2, max: 2, dependsOn: ['solo'] }),
    ]));
    const controller = h.controller();
    const result = await controller.run('fatal', { timeoutMs: 20_000 });
    expect(result.kind).toBe('failed');
    if (result.kind !== 'failed') return;
    expect(result.status.failedNodes).toHaveLength(1);
    expect(result.status.failedNodes[0].node).toBe('doomed');
    expect(result.status.failedNodes[0].reason).toMatch(/REEF_DUMMY_FATAL: create doomed\/.*simulated fatal failure/);
    const byName = Object.fromEntries(result.status.nodes.map((n) => [n.name, n]));
    expect(byName.solo).toMatchObject({ ready: 3, actual: 3 });
    expect(byName.after).toMatchObject({ ready: 2, actual: 2 });

    // no endless retries: a serving controller keeps ticking (every 50 ms) for a second and tries nothing new
    const triedBefore = attempts(h.dir, `instance:doomed-%`);
    expect(triedBefore).toBeGreaterThan(0);
    expect(triedBefore).toBeLessThanOrEqual(10);
    const serving = h.controller();
    await serving.serve();
    await new Promise((r) => setTimeout(r, 1000)); // a window of ~20 resync periods in which nothing may happen
    await serving.stop();
    expect(attempts(h.dir, `instance:doomed-%`)).toBe(triedBefore);

    const events = await h.store.listEvents({ infra: 'fatal' });
    const failed = events.filter((e) => e.kind === 'node.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ node: 'doomed' });
    expect(failed[0].message).toMatch(/simulated fatal failure/);
    expect(h.cloud.all('fatal').map((r) => r.labels.node).sort()).toEqual(['after', 'after', 'solo', 'solo', 'solo']);
  }, 30_000);
});
