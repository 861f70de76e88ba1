import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';
import { infraSpec, node } from '../helpers/spec.js';

let h: Harness;
beforeEach(async () => { h = harness({ simulated: true }); await h.ready(); });
afterEach(async () => { await h.close(); });

const TIMEOUT = 20_000;
const states = async (id: string) => (await h.store.listInstances(id)).map((i) => `${i.node}:${i.state}`).sort();

describe('reconcile on the dummy cloud', () => {
  it('deploys a head before its workers, then stays still', async () => {
    const spec = infraSpec('c1', [node('head'), node('worker', { min: 3, dependsOn: ['head'] })]);
    await h.store.putInfra(spec);
    const result = await h.drive(h.controller().run('c1', { timeoutMs: TIMEOUT }));
    expect(result.kind).toBe('converged');
    expect(await states('c1')).toEqual(['head:ready', 'worker:ready', 'worker:ready', 'worker:ready']);
    expect(h.cloud.count('c1')).toBe(4);

    const events = await h.store.listEvents({ infra: 'c1' });
    const headReady = events.find((e) => e.node === 'head' && e.to === 'ready')!.seq;
    const firstWorker = events.find((e) => e.node === 'worker')!.seq;
    expect(firstWorker).toBeGreaterThan(headReady);

    // a second run of an unchanged infra changes nothing in the cloud
    const before = h.cloud.all().map((r) => r.id).sort();
    expect((await h.drive(h.controller().run('c1', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    expect(h.cloud.all().map((r) => r.id).sort()).toEqual(before);
  });

  it('scales up and down (youngest first) within the node limits', async () => {
    await h.store.putInfra(infraSpec('c2', [node('worker', { min: 2, max: 6 })]));
    expect((await h.drive(h.controller().run('c2', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    await h.store.setTarget('c2', 'worker', 5);
    expect((await h.drive(h.controller().run('c2', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    expect(h.cloud.count('c2')).toBe(5);
    const byAge = (await h.store.listInstances('c2')).sort((a, b) => a.createdAt - b.createdAt).map((i) => i.id);
    await h.store.setTarget('c2', 'worker', 3);
    expect((await h.drive(h.controller().run('c2', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    const left = (await h.store.listInstances('c2')).map((i) => i.id).sort();
    expect(left).toEqual(byAge.slice(0, 3).sort());
    expect(h.cloud.count('c2')).toBe(3);
    await expect(h.store.setTarget('c2', 'worker', 7)).rejects.toThrow('worker: target 7 is outside [2, 6]');
  });

  it('replaces an instance killed out of band', async () => {
    await h.store.putInfra(infraSpec('c3', [node('worker', { min: 2 })]));
    expect((await h.drive(h.controller().run('c3', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    const [victim] = await h.store.listInstances('c3');
    h.cloud.kill(victim.ref!.id);
    expect((await h.drive(h.controller().run('c3', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    const ids = (await h.store.listInstances('c3')).map((i) => i.id);
    expect(ids).not.toContain(victim.id);
    expect(ids).toHaveLength(2);
    expect(h.cloud.count('c3')).toBe(2);
  });

  it('collects a reef-labelled resource nobody wants and adopts one a node needs', async () => {
    await h.store.putInfra(infraSpec('c4', [node('worker', { min: 1 })]));
    expect((await h.drive(h.controller().run('c4', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    h.cloud.insertOrphan({ infra: 'c4', node: 'worker', instance: 'worker-orphan1' });
    h.cloud.insertOrphan({ infra: 'c4', node: 'ghost', instance: 'ghost-1' });
    expect((await h.drive(h.controller().run('c4', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    expect(h.cloud.count('c4')).toBe(1);

    await h.store.setTarget('c4', 'worker', 2);
    h.cloud.insertOrphan({ infra: 'c4', node: 'worker', instance: 'worker-adoptme' });
    expect((await h.drive(h.controller().run('c4', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    expect((await h.store.listInstances('c4')).map((i) => i.id)).toContain('worker-adoptme');
    expect(h.cloud.count('c4')).toBe(2);
  });

  it('stores the node definition\'s hash on each resource, and rolls an adopted resource whose hash is stale', async () => {
    await h.store.putInfra(infraSpec('c9', [node('worker', { min: 1, max: 5 })]));
    expect((await h.drive(h.controller().run('c9', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    const current = h.cloud.all().find((r) => r.labels.infra === 'c9')!.labels.specHash;
    expect(current).toMatch(/\S/);

    await h.store.setTarget('c9', 'worker', 3);
    h.cloud.insertOrphan({ infra: 'c9', node: 'worker', instance: 'worker-current', specHash: current });
    h.cloud.insertOrphan({ infra: 'c9', node: 'worker', instance: 'worker-stale', specHash: 'made-by-an-older-definition' });
    // the roll replaces one batch per run at most: run until nothing stale is left (bounded)
    for (let i = 0; i < 5 && h.cloud.all().some((r) => r.labels.instance === 'worker-stale'); i++) {
      expect((await h.drive(h.controller().run('c9', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    }
    const rows = h.cloud.all().filter((r) => r.labels.infra === 'c9');
    expect(rows.map((r) => r.labels.instance)).toContain('worker-current');
    expect(rows.map((r) => r.labels.instance)).not.toContain('worker-stale');
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.labels.specHash === current)).toBe(true);
    const events = await h.store.listEvents({ infra: 'c9' });
    expect(events.some((e) => e.instance === 'worker-stale' && /adopted/.test(e.message ?? ''))).toBe(true);
  });

  it('rolls resources whose snapshot was dropped (machine upgrade) by the hash on the resource', async () => {
    await h.store.putInfra(infraSpec('c10', [node('web', { min: 2, variables: { v: 1 } })]));
    expect((await h.drive(h.controller().run('c10', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    const old = (await h.store.listInstances('c10')).map((i) => i.id);
    await h.store.putInfra(infraSpec('c10', [node('web', { min: 2, variables: { v: 2 } })]));
    // what a MACHINE_VERSION bump does: the rows stay, their snapshots (with the hash they were made from) do not
    const db = new Database(join(h.dir, 'state.db'));
    db.prepare("UPDATE instances SET snapshot_json = NULL WHERE infra_id = 'c10'").run();
    db.close();
    for (let i = 0; i < 6 && (await h.store.listInstances('c10')).some((x) => old.includes(x.id)); i++) {
      expect((await h.drive(h.controller().run('c10', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    }
    const now = (await h.store.listInstances('c10')).map((i) => i.id);
    expect(now).toHaveLength(2);
    expect(now.filter((id) => old.includes(id))).toEqual([]);
  });

  it('retries transient create failures and converges', async () => {
    const impl = { resource: { type: 'dummy', fail_create: { times: 2 } } };
    await h.store.putInfra(infraSpec('c5', [node('worker', { min: 3, impl })]));
    const result = await h.drive(h.controller().run('c5', { timeoutMs: TIMEOUT }));
    expect(result.kind).toBe('converged');
    expect(h.cloud.count('c5')).toBe(3);
  });

  it('a node whose instances keep failing is reported failed, once, and its dependents wait', async () => {
    const bad = { resource: { type: 'dummy', fail_create: { fatal: 1 } } };
    await h.store.putInfra(infraSpec('c6', [node('db', { min: 1, impl: bad }), node('web', { dependsOn: ['db'] })]));
    const result = await h.drive(h.controller({ limits: { maxFailures: 3, maxReplaceShare: 0.5 } }).run('c6', { timeoutMs: TIMEOUT }));
    expect(result.kind).toBe('failed');
    if (result.kind !== 'failed') return;
    expect(result.status.failedNodes).toEqual([{ node: 'db', reason: expect.stringContaining('REEF_DUMMY_FATAL') }]);
    const events = await h.store.listEvents({ infra: 'c6' });
    expect(events.filter((e) => e.kind === 'node.failed')).toHaveLength(1);
    expect(events.filter((e) => e.to === 'failed')).toHaveLength(3);
    expect(h.cloud.count('c6')).toBe(0);
    expect((await h.store.listInstances('c6')).filter((i) => i.node === 'web')).toHaveLength(0);
  });

  it('destroy leaves nothing in the cloud', async () => {
    await h.store.putInfra(infraSpec('c7', [node('a', { min: 2 }), node('b', { dependsOn: ['a'] })]));
    expect((await h.drive(h.controller().run('c7', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    h.cloud.insertOrphan({ infra: 'c7', node: 'a', instance: 'a-left-behind' });
    await h.store.setInfraStatus('c7', 'destroying');
    const result = await h.drive(h.controller().run('c7', { timeoutMs: TIMEOUT }));
    expect(result.kind).toBe('converged');
    expect(h.cloud.count('c7')).toBe(0);
    expect(await h.store.listInstances('c7')).toEqual([]);
    expect((await h.store.getInfra('c7'))!.status).toBe('destroyed');
  });

  it('a second controller is refused while the first holds the lease', async () => {
    await h.store.putInfra(infraSpec('c8', [node('a', { impl: { resource: { type: 'dummy', boot_delay: 300 } } })]));
    const first = h.controller();
    const running = first.run('c8', { timeoutMs: TIMEOUT });
    await h.until('the first holds the lease', async () => (await h.store.getLease('c8'))?.holder === first.holder);
    const second = await h.drive(h.controller().run('c8', { timeoutMs: TIMEOUT }));
    expect(second.kind).toBe('held');
    expect((await h.drive(running)).kind).toBe('converged');
  });
});

describe('declarative updates', () => {
  it('a changed node definition rolls the node to new instances; other nodes are untouched', async () => {
    await h.store.putInfra(infraSpec('u1', [node('db'), node('web', { min: 4, variables: { v: 1 } })]));
    expect((await h.drive(h.controller().run('u1', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    const before = await h.store.listInstances('u1');
    await h.store.putInfra(infraSpec('u1', [node('db'), node('web', { min: 4, variables: { v: 2 } })]));
    expect((await h.drive(h.controller().run('u1', { timeoutMs: TIMEOUT }))).kind).toBe('converged');
    // a converged run may end between batches: keep reconciling until nothing outdated is left
    for (let i = 0; i < 5; i++) await h.drive(h.controller().run('u1', { timeoutMs: TIMEOUT }));
    const after = await h.store.listInstances('u1');
    const dbBefore = before.filter((i) => i.node === 'db').map((i) => i.id);
    expect(after.filter((i) => i.node === 'db').map((i) => i.id)).toEqual(dbBefore);
    const webBefore = new Set(before.filter((i) => i.node === 'web').map((i) => i.id));
    const webAfter = after.filter((i) => i.node === 'web');
    expect(webAfter).toHaveLength(4);
    expect(webAfter.some((i) => webBefore.has(i.id))).toBe(false);
    expect(h.cloud.count('u1')).toBe(5);
  });
});

describe('stopping', () => {
  it('run() settles as "stopped" when the controller stops mid-run', async () => {
    await h.store.putInfra(infraSpec('s1', [node('a', { impl: { resource: { type: 'dummy', boot_delay: 5000 } } })]));
    const c = h.controller();
    const running = c.run('s1', { timeoutMs: 60_000 });
    await h.until('s1 is being created', async () => (await h.store.listInstances('s1')).length > 0);
    // real time: stopping does not wait for the 5 s boot
    const started = Date.now();
    await c.stop();
    expect((await running).kind).toBe('stopped');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('a serving controller and writes from other processes', () => {
  it('acts on a scale-down naming an instance, written to the store by another process', async () => {
    await h.store.putInfra(infraSpec('x1', [node('w', { min: 1, max: 5 })]));
    await h.store.setTarget('x1', 'w', 3);
    const server = h.controller();
    await server.serve();
    const waitFor = (pred: () => Promise<boolean>) => h.until('condition', pred, 5000);
    await waitFor(async () => (await h.store.listInstances('x1')).filter((i) => i.state === 'ready').length === 3);
    const victim = (await h.store.listInstances('x1'))[1];
    // what `reef scale x1 w --instance ID` does when the lease is held elsewhere
    await h.store.setTarget('x1', 'w', 2);
    await h.store.updateInstance(victim.id, { destroyReason: 'scale-down' });
    await waitFor(async () => h.cloud.count('x1') === 2 && (await h.store.listInstances('x1')).length === 2);
    expect((await h.store.listInstances('x1')).map((i) => i.id)).not.toContain(victim.id);
    await server.stop();
  });
});

describe('programs that die after their checks pass', () => {
  it('a serving controller gives up on the node instead of crash-looping', async () => {
    const impl = { resource: { type: 'dummy', die_after: 40 } };
    await h.store.putInfra(infraSpec('d1', [node('flaky', { min: 1, impl })]));
    const server = h.controller({ limits: { maxFailures: 3, maxReplaceShare: 0.5 }, stableMs: 60_000 });
    await server.serve();
    let failed: string | null | undefined;
    await h.until('the node gives up', async () => Boolean(failed = (await h.store.getNodes('d1'))[0].failedReason), 10_000).catch(() => {});
    await server.stop();
    expect(failed).toContain('simulated death');
    const events = await h.store.listEvents({ infra: 'd1' });
    expect(events.filter((e) => e.to === 'ready').length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.kind === 'node.failed')).toHaveLength(1);
  });
});

describe('fenced leases (SQLite)', () => {
  it('a controller whose lease was taken over stops, writes nothing more and creates nothing', async () => {
    await h.store.putInfra(infraSpec('f1', [node('worker', { min: 2, max: 6 })]));
    const first = h.controller({ leaseTtlMs: 600 });
    await first.serve();
    const waitFor = (check: () => boolean) => h.until('condition', check, 60_000);
    await waitFor(() => h.cloud.count('f1') === 2);
    // as if `first` had been paused past its lease: another holder takes it over (and does not act itself)
    const old = (await h.store.listLeases()).find((l) => l.infraId === 'f1')!;
    const next = (await h.store.takeLease('f1', 'intruder', 60_000, old.expiresAt + 1))!;
    expect(next.epoch).toBeGreaterThan(old.epoch);
    await h.store.setTarget('f1', 'worker', 5);
    await waitFor(() => first.fencing.leasesLost === 1);
    expect(first.statusOf('f1')).toBeUndefined();
    await h.advance(500);
    expect(h.cloud.count('f1')).toBe(2);
    expect((await h.store.listInstances('f1')).length).toBe(2);
    const audit = await h.store.listLeaseAudit('f1');
    expect(audit.map((r) => [r.holder, r.epoch])).toEqual([[first.holder, old.epoch]]);
    expect((await h.store.getLease('f1'))?.holder).toBe('intruder');
  });
});
