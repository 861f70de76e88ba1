/**
 * Routine health checks of ready instances run outside their machines: each ready instance is probed about once
 * per interval, a passing probe moves no machine (no snapshot, no write), and one that fails turns the instance
 * unhealthy at once; a destroyed or failed instance is not probed any more.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthChecker } from '../../src/reconcilers/driver.js';
import { harness, type Harness } from '../helpers/harness.js';
import { infraSpec, node } from '../helpers/spec.js';

let h: Harness;
beforeEach(async () => { h = harness({ simulated: true }); await h.ready(); });
afterEach(async () => { await h.close(); });

describe('health rounds', () => {
  it('probes each ready instance about once per interval, moving no machine while the probes pass', async () => {
    const probed = new Map<string, number>();
    const driver = (await h.registry.get('dummy')) as unknown as HealthChecker;
    const check = driver.checkHealth.bind(driver);
    driver.checkHealth = async (req, ctx) => {
      probed.set(req.ref.id, (probed.get(req.ref.id) ?? 0) + 1);
      return check(req, ctx);
    };
    await h.store.putInfra(infraSpec('hr', [node('w', { min: 10, max: 20 })]));
    await h.store.setTarget('hr', 'w', 20);
    const c = h.controller({ healthIntervalS: 2 });
    await c.serve();
    await h.until('20 ready', async () => (await h.store.listInstances('hr')).filter((i) => i.state === 'ready').length === 20, 30_000);
    await h.advance(4_000);
    probed.clear();
    const eventsBefore = (await h.store.listEvents({ infra: 'hr' })).length;
    await h.advance(20_000);
    // 20 s at one probe per 2 s: 10 each (± one at the window's edges)
    expect(probed.size).toBe(20);
    for (const n of probed.values()) expect(n).toBeGreaterThanOrEqual(9), expect(n).toBeLessThanOrEqual(11);
    expect((await h.store.listEvents({ infra: 'hr' })).length).toBe(eventsBefore);

    // a failing probe: unhealthy at the next round, and its row says why
    const sick = h.cloud.all('hr')[0];
    h.cloud.markUnhealthy(sick.id);
    await h.until('unhealthy', async () => (await h.store.getInstance(sick.labels.instance))?.state === 'unhealthy', 10_000);
    expect(c.statusOf('hr')?.phase).toBeDefined();

    // scaled down to 10: the removed ones are no longer probed
    await h.store.setTarget('hr', 'w', 10);
    c.nudge('hr');
    await h.until('10 left', async () => (await h.store.listInstances('hr')).length === 10, 60_000);
    await h.advance(4_000);
    probed.clear();
    await h.advance(10_000);
    const live = new Set(h.cloud.all('hr').map((r) => r.id));
    expect([...probed.keys()].every((id) => live.has(id))).toBe(true);
  });
});
