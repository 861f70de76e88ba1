/**
 * The cost of watching the cloud: one tag-filtered DescribeInstances per endpoint per tick, however many
 * instances there are (DESIGN: 10,000 instances must not mean 10,000 Describe calls). A tick is counted by
 * its published status (run()'s onStatus fires once per tick).
 */
import { afterEach, expect, it } from 'vitest';
import { liveInstances, startSite, type Ec2Site } from './site.js';
import { startReef, type InProcessReef } from './in-process.js';

let site: Ec2Site | undefined;
let reef: InProcessReef | undefined;
afterEach(async () => {
  await reef?.close();
  await site?.close();
});

it('sends one DescribeInstances per tick, by tag, with 2 instances as with 4', async () => {
  site = await startSite();
  reef = await startReef(site);
  const perTick: Array<{ instances: number; ticks: number; describes: number; byId: number }> = [];
  for (const senders of [1, 3]) {
    await reef.store.setTarget(reef.infraId, 'ping_sender', senders);
    const from = site.fake.requests.length;
    let ticks = 0;
    expect((await reef.converge(30_000, () => ticks++)).kind).toBe('converged');
    const describes = site.fake.requests.slice(from).filter((r) => r.action === 'DescribeInstances');
    perTick.push({
      instances: liveInstances(site.fake).length,
      ticks,
      describes: describes.length,
      byId: describes.filter((r) => Object.keys(r.params).some((k) => k.startsWith('InstanceId.'))).length,
    });
    for (const d of describes) expect(d.params).toMatchObject({ 'Filter.1.Name': 'tag:reef.infra', 'Filter.1.Value.1': 'ec2-ping' });
  }
  expect(perTick.map((p) => p.instances)).toEqual([2, 4]);
  for (const p of perTick) {
    expect(p.byId).toBe(0);
    expect(p.ticks).toBeGreaterThan(1);
    // at most one more: a tick requested during the last one may have started its Describe before run() returned
    expect(p.describes).toBeLessThanOrEqual(p.ticks + 1);
  }
});
