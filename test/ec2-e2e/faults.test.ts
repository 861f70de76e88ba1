/**
 * Cloud faults injected into the EC2 fake while an in-process controller reconciles examples/ec2-ping:
 * an instance terminated behind reef's back, a create whose answer is lost after the cloud acted, throttling,
 * and eventual consistency. Every case ends with the cloud holding exactly what the store says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/controller/plan.js';
import { liveInstances, startSite, type Ec2Site, type SiteOptions } from './site.js';
import { startReef, type InProcessReef } from './in-process.js';

let site: Ec2Site | undefined;
let reef: InProcessReef | undefined;

async function setUp(siteOpts: SiteOptions = {}, reefOpts: Parameters<typeof startReef>[1] = {}) {
  site = await startSite(siteOpts);
  reef = await startReef(site, reefOpts);
  return { site, reef };
}

afterEach(async () => {
  await reef?.close();
  await site?.close();
  reef = undefined;
  site = undefined;
});

/** store and cloud agree: one live EC2 instance per live instance row, tagged with its id, no twins */
async function expectCloudMatchesStore(s: Ec2Site, r: InProcessReef): Promise<void> {
  const rows = (await r.store.listInstances(r.infraId)).filter((i) => i.state !== 'gone');
  const live = liveInstances(s.fake);
  expect(live.map((i) => i.tags['reef.instance']).sort()).toEqual(rows.map((i) => i.id).sort());
  for (const row of rows) expect(row.ref?.id).toBe(live.find((i) => i.tags['reef.instance'] === row.id)?.id);
}

describe('ec2-ping in process, with cloud faults', () => {
  it('replaces an instance terminated out of band (seen shutting-down)', async () => {
    const { site, reef } = await setUp({ fake: { shutdownMs: 1_000 } });
    expect((await reef.converge()).kind).toBe('converged');
    const [victim] = liveInstances(site.fake).filter((i) => i.tags['reef.node'] === 'ping_sender');
    site.fake.terminateOutOfBand(victim.id);

    expect((await reef.converge()).kind).toBe('converged');
    const senders = liveInstances(site.fake).filter((i) => i.tags['reef.node'] === 'ping_sender');
    expect(senders).toHaveLength(1);
    expect(senders[0].id).not.toBe(victim.id);
    expect(site.fake.calls('RunInstances').filter((c) => c.outcome === 'ok')).toHaveLength(3);
    await expectCloudMatchesStore(site, reef);
    expect(reef.log.text()).toContain('ready → failed: the resource is stopped: shutting-down');
  });

  // An instance seen running that vanishes at once (no shutting-down observed) within 60 s of its create: its
  // absence is trusted because it was seen, not held back by the creation grace period.
  it('replaces an instance terminated out of band (gone at once)', async () => {
    const { site, reef } = await setUp({ fake: { shutdownMs: 0 } });
    expect((await reef.converge()).kind).toBe('converged');
    const [victim] = liveInstances(site.fake).filter((i) => i.tags['reef.node'] === 'ping_sender');
    site.fake.terminateOutOfBand(victim.id);
    expect((await reef.converge()).kind).toBe('converged');
    const senders = liveInstances(site.fake).filter((i) => i.tags['reef.node'] === 'ping_sender');
    expect(senders).toHaveLength(1);
    expect(senders[0].id).not.toBe(victim.id);
  });

  it('makes no twin when a create times out after the cloud launched the instance', async () => {
    const { site, reef } = await setUp({}, { driver: { requestTimeoutMs: 300 } });
    // the receiver's create and the SDK's own retry both launch server-side (one instance, same token) and time out
    site.fake.delayRunResponses(2, 1_500);

    expect((await reef.converge()).kind).toBe('converged');
    const runs = site.fake.calls('RunInstances');
    const receiverToken = runs[0].params.ClientToken;
    const receiverRuns = runs.filter((r) => r.params.ClientToken === receiverToken);
    expect(receiverRuns.length).toBeGreaterThanOrEqual(3); // two timed out, reef's retry got the answer
    expect(site.fake.instanceList()).toHaveLength(2);
    await expectCloudMatchesStore(site, reef);
    expect(reef.log.text()).toMatch(/"action":"RunInstances".*"code":"TimeoutError"/);
  });

  it('resumes a create interrupted before its answer with the same ClientToken: no twin', async () => {
    const { site, reef } = await setUp();
    site.fake.delayRunResponses(1, 5_000); // launched server-side at once, answered only after 5 s
    // `reef apply --wait --timeout 1`: the run gives up mid-call (its request is aborted); a later reef takes over
    expect((await reef.converge(1_000)).kind).toBe('timeout');
    expect(site.fake.instanceList()).toHaveLength(1);
    await reef.restart();
    const [row] = await reef.store.listInstances(reef.infraId);
    expect(row).toMatchObject({ state: 'creating', ref: null });

    expect((await reef.converge()).kind).toBe('converged');
    const tokens = site.fake.calls('RunInstances').map((r) => r.params.ClientToken);
    expect(tokens.filter((t) => t === row.id)).toHaveLength(2);
    expect(site.fake.instanceList()).toHaveLength(2);
    await expectCloudMatchesStore(site, reef);
  });

  it('converges while 30 % of calls are throttled, and the endpoint limiter narrows', async () => {
    // maxAttempts 1: no SDK-level retry, so every throttle reaches reef's own backoff and the endpoint limiter
    const { site, reef } = await setUp({ fake: { seed: 42 } }, { driver: { maxAttempts: 1 }, options: { concurrency: 8 } });
    site.fake.throttleRate(0.3);

    expect((await reef.converge(60_000)).kind).toBe('converged');
    const throttled = site.fake.requests.filter((r) => r.outcome === 'RequestLimitExceeded');
    expect(throttled.length).toBeGreaterThan(0);
    expect(site.fake.instanceList()).toHaveLength(2);
    await expectCloudMatchesStore(site, reef);
    expect(reef.narrowestWindow()).toBeLessThanOrEqual(4);
  });

  it('terminates instances stuck pending past the health timeout, and gives the node up after maxFailures', async () => {
    const { site, reef } = await setUp({ healthTimeoutS: 1, fake: { runningAfterMs: 600_000 } });
    const result = await reef.converge();
    expect(result.kind).toBe('failed');
    if (result.kind !== 'failed') return;
    expect(result.status.failedNodes).toEqual([
      { node: 'ping_receiver', reason: 'REEF_INSTANCE_TIMEOUT: not ready within the health_check timeout (1 s)' },
    ]);
    expect(site.fake.calls('RunInstances')).toHaveLength(DEFAULT_LIMITS.maxFailures);
    expect(site.fake.calls('TerminateInstances')).toHaveLength(DEFAULT_LIMITS.maxFailures);
    expect(liveInstances(site.fake)).toEqual([]); // nothing leaked
    expect(await reef.store.listInstances(reef.infraId)).toEqual([]);
  });

  it('creates no second VM while a new instance is invisible to DescribeInstances', async () => {
    const { site, reef } = await setUp();
    site.fake.invisibleFor(1_000);

    expect((await reef.converge()).kind).toBe('converged');
    expect(site.fake.instanceList()).toHaveLength(2);
    expect(site.fake.calls('RunInstances')).toHaveLength(2);
    await expectCloudMatchesStore(site, reef);
  });
});
