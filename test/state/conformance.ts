/**
 * The store conformance suite: every backend (SQLite, PostgreSQL) runs these same tests against a fresh, empty
 * store (sqlite-store.test.ts, postgres-store.test.ts). Backend-specific behaviour (opening files, connection
 * errors) stays in the backend's own file.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { isReefError, type ReefError } from '../../src/reconcilers/errors.js';
import { isBrokenInfra, type NewEvent, type Store } from '../../src/state/store.js';
import { instance, node, spec } from './fixtures.js';

export async function reefError(p: Promise<unknown> | (() => unknown)): Promise<ReefError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isReefError(e)) return e;
    throw e;
  }
  throw new Error('expected a ReefError, got success');
}

/**
 * `current()` is the fresh store of the running test (set up by the caller's beforeEach); `rawSql` runs a
 * statement on the backend directly, to damage a row as a disk or a hand edit would.
 */
export function storeConformance(current: () => Store, rawSql: (sql: string) => Promise<void>): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('infras', () => {
    it('round-trips an infra and reports created/changed/generation', async () => {
      const s = spec([node('master', 1, 1), node('worker', 1, 10)], { userId: 'u1' });
      const first = await store.putInfra(s, { authPath: '/etc/reef/auth.yaml', now: 100 });
      expect(first).toMatchObject({ created: true, changed: true });
      expect(first.infra).toEqual({
        id: 'demo', name: 'demo', spec: s, generation: 1, status: 'active',
        authPath: '/etc/reef/auth.yaml', createdAt: 100, updatedAt: 100,
      });
      expect(await store.getInfra('demo')).toEqual(first.infra);
      expect(await store.listInfras()).toEqual([first.infra]);
      expect(await store.getInfra('nope')).toBeUndefined();
    });

    it('keeps the generation when the spec is identical, also when only source or key order differ', async () => {
      await store.putInfra(spec([node('worker', 1, 3)], { variables: { a: 1, b: { c: 2, d: 3 } } }), { now: 100 });
      const again = await store.putInfra(
        spec([node('worker', 1, 3)], { variables: { b: { d: 3, c: 2 }, a: 1 }, source: { infraFile: '/elsewhere.yaml' } }),
        { now: 200 },
      );
      expect(again).toMatchObject({ created: false, changed: false });
      expect(again.infra.generation).toBe(1);
      expect(again.infra.updatedAt).toBe(100);
      expect(again.infra.spec.source).toEqual({ infraFile: '/elsewhere.yaml' }); // latest source kept for messages
    });

    it('bumps the generation only when the spec changes', async () => {
      await store.putInfra(spec([node('worker', 1, 3)]), { now: 100 });
      const changed = await store.putInfra(spec([node('worker', 1, 3, { variables: { size: 'large' } })]), { now: 200 });
      expect(changed).toMatchObject({ created: false, changed: true });
      expect(changed.infra).toMatchObject({ generation: 2, createdAt: 100, updatedAt: 200 });
      const same = await store.putInfra(spec([node('worker', 1, 3, { variables: { size: 'large' } })]), { now: 300 });
      expect(same.infra.generation).toBe(2);
    });

    it('keeps the auth path when re-applied without one and reactivates a destroyed infra', async () => {
      await store.putInfra(spec([node('worker', 1, 3)]), { authPath: '/a.yaml', now: 100 });
      await store.setInfraStatus('demo', 'destroyed', 150);
      expect((await store.getInfra('demo'))?.status).toBe('destroyed');
      const again = await store.putInfra(spec([node('worker', 1, 3)]), { now: 200 });
      expect(again.infra).toMatchObject({ authPath: '/a.yaml', status: 'active', generation: 1, updatedAt: 200 });
    });

    it('refuses a status change of an unknown infra', async () => {
      const err = await reefError(store.setInfraStatus('nope', 'destroying'));
      expect(err.code).toBe('REEF_STATE_UNKNOWN_INFRA');
    });

    it('deletes an infra with its nodes, instances and lease but keeps its events', async () => {
      await store.putInfra(spec([node('worker', 1, 3)]));
      await store.insertInstance(instance('i1'));
      await store.acquireLease('demo', 'ctl-a', 1000, 0);
      await store.appendEvents([{ time: 1, infra: 'demo', kind: 'infra.applied', message: 'applied' }]);
      await store.deleteInfra('demo');
      expect(await store.getInfra('demo')).toBeUndefined();
      expect(await store.getNodes('demo')).toEqual([]);
      expect(await store.getInstance('i1')).toBeUndefined();
      expect(await store.getLease('demo')).toBeUndefined();
      expect(await store.listEvents({ infra: 'demo' })).toHaveLength(1);
    });
  });

  describe('rows that cannot be read', () => {
    it('an infra whose spec does not parse is listed as broken, naming it and the column; the others are listed whole', async () => {
      const a = (await store.putInfra(spec([node('w', 1, 1)], { id: 'a', name: 'a' }), { now: 100 })).infra;
      await store.putInfra(spec([node('w', 1, 1)], { id: 'b', name: 'b' }), { now: 100 });
      const c = (await store.putInfra(spec([node('w', 1, 1)], { id: 'c', name: 'c' }), { now: 100 })).infra;
      await rawSql(`UPDATE infras SET spec_json = '{"id": "b", "nodes": [' WHERE id = 'b'`);
      const listed = await store.listInfras();
      expect(listed.map((i) => i.id)).toEqual(['a', 'b', 'c']);
      expect(listed[0]).toEqual(a);
      expect(listed[2]).toEqual(c);
      expect(listed[1]).toMatchObject({ id: 'b', name: 'b', status: 'active', generation: 1, createdAt: 100, updatedAt: 100 });
      expect(isBrokenInfra(listed[1])).toBe(true);
      expect((listed[1] as { broken: string }).broken).toMatch(/^infra b: stored column spec_json is not valid JSON \(.+\)$/);
      expect('spec' in listed[1]).toBe(false);
      const err = await reefError(store.getInfra('b'));
      expect(err.code).toBe('REEF_STATE_ROW_CORRUPT');
      expect(err.transient).toBe(false);
      expect(err.message).toContain('infra b: stored column spec_json');
      // a re-apply rewrites the row and heals it
      await store.putInfra(spec([node('w', 1, 1)], { id: 'b', name: 'b' }));
      expect((await store.listInfras()).some(isBrokenInfra)).toBe(false);
    });

    it('an event whose data does not parse is listed with a note instead of its data; the events around it are whole', async () => {
      await store.putInfra(spec([node('worker', 1, 3)], { id: 'demo' }));
      await store.appendEvents([1, 2, 3].map((n) => ({ time: n, infra: 'demo', kind: 'k', message: `m${n}`, data: { n } })));
      const [, middle] = await store.listEvents({ infra: 'demo' });
      await rawSql(`UPDATE events SET data_json = '{"secret": "s3cr' WHERE seq = ${middle.seq}`);
      const listed = await store.listEvents({ infra: 'demo' });
      expect(listed.map((e) => [e.message, e.data])).toEqual([
        ['m1', { n: 1 }],
        ['m2', { unreadable: expect.stringMatching(new RegExp(`^event ${middle.seq}: stored column data_json is not valid JSON`)) }],
        ['m3', { n: 3 }],
      ]);
      expect(JSON.stringify(listed)).not.toContain('s3cr');
    });

    it('an instance row whose JSON does not parse fails that infra\'s instance list alone, naming infra, instance and column', async () => {
      await store.putInfra(spec([node('worker', 1, 3)], { id: 'demo' }));
      await store.putInfra(spec([node('worker', 1, 3)], { id: 'other', name: 'other' }));
      await store.insertInstances([instance('w-1', { snapshot: { value: 'ready' } }), instance('w-2'), instance('o-1', { infraId: 'other' })]);
      for (const column of ['snapshot_json', 'addresses_json', 'ref_json', 'last_error_json']) {
        await rawSql(`UPDATE instances SET ${column} = '{"broken' WHERE id = 'w-1'`);
        const err = await reefError(store.listInstances('demo'));
        expect(err.code).toBe('REEF_STATE_ROW_CORRUPT');
        expect(err.message).toMatch(new RegExp(`^infra demo, instance w-1: stored column ${column} is not valid JSON`));
        expect((await store.listInstances('other')).map((i) => i.id)).toEqual(['o-1']);
        await rawSql(`UPDATE instances SET ${column} = ${column === 'addresses_json' ? "'{}'" : 'NULL'} WHERE id = 'w-1'`);
      }
      expect((await store.listInstances('demo')).map((i) => i.id)).toEqual(['w-1', 'w-2']);
      expect((await store.listInfras()).some(isBrokenInfra)).toBe(false);
    });
  });

  describe('nodes', () => {
    it('gives new nodes target = min, in spec order', async () => {
      await store.putInfra(spec([node('db', 1, 1), node('web', 2, 5), node('app', 0, 3)]));
      expect(await store.getNodes('demo')).toEqual([
        { infraId: 'demo', name: 'db', min: 1, max: 1, target: 1, failedReason: null },
        { infraId: 'demo', name: 'web', min: 2, max: 5, target: 2, failedReason: null },
        { infraId: 'demo', name: 'app', min: 0, max: 3, target: 0, failedReason: null },
      ]);
    });

    it('clamps existing targets into the new range and drops removed nodes but not their instances', async () => {
      await store.putInfra(spec([node('a', 1, 10), node('b', 1, 10), node('c', 1, 10), node('gone', 1, 2)]));
      await store.setTarget('demo', 'a', 8);
      await store.setTarget('demo', 'b', 2);
      await store.setTarget('demo', 'c', 5);
      await store.insertInstance(instance('g1', { node: 'gone' }));
      await store.putInfra(spec([node('a', 1, 4), node('b', 3, 6), node('c', 2, 9)]));
      const targets = Object.fromEntries((await store.getNodes('demo')).map((n) => [n.name, n.target]));
      expect(targets).toEqual({ a: 4, b: 3, c: 5 });
      expect(await store.getInstance('g1')).toMatchObject({ node: 'gone' });
    });

    it('clears failedReason when min/max change, keeps it otherwise', async () => {
      await store.putInfra(spec([node('a', 1, 3), node('b', 1, 3)]));
      await store.setNodeFailed('demo', 'a', 'too many failures');
      await store.setNodeFailed('demo', 'b', 'too many failures');
      await store.putInfra(spec([node('a', 1, 4), node('b', 1, 3, { variables: { x: 1 } })]));
      const reasons = Object.fromEntries((await store.getNodes('demo')).map((n) => [n.name, n.failedReason]));
      expect(reasons).toEqual({ a: null, b: 'too many failures' });
    });

    it('setTarget checks the range and clears failedReason', async () => {
      await store.putInfra(spec([node('worker', 1, 10)]));
      await store.setNodeFailed('demo', 'worker', 'gave up');
      expect(await store.setTarget('demo', 'worker', 10)).toEqual(
        { infraId: 'demo', name: 'worker', min: 1, max: 10, target: 10, failedReason: null });
      const tooBig = await reefError(store.setTarget('demo', 'worker', 12));
      expect(tooBig.code).toBe('REEF_SCALE_OUT_OF_RANGE');
      expect(tooBig.message).toBe('worker: target 12 is outside [1, 10]');
      expect(tooBig.transient).toBe(false);
      expect((await reefError(store.setTarget('demo', 'worker', 0))).code).toBe('REEF_SCALE_OUT_OF_RANGE');
      expect((await reefError(store.setTarget('demo', 'worker', 2.5))).code).toBe('REEF_SCALE_OUT_OF_RANGE');
      expect((await store.getNodes('demo'))[0].target).toBe(10);
    });

    it('setTarget names an unknown node or infra', async () => {
      await store.putInfra(spec([node('worker', 1, 10)]));
      const noNode = await reefError(store.setTarget('demo', 'wroker', 2));
      expect(noNode.code).toBe('REEF_SCALE_UNKNOWN_NODE');
      expect(noNode.message).toContain('wroker');
      expect((await reefError(store.setTarget('other', 'worker', 2))).code).toBe('REEF_STATE_UNKNOWN_INFRA');
    });

    it('setNodeFailed of a node no longer in the spec is a no-op', async () => {
      await store.putInfra(spec([node('worker', 1, 10)]));
      await store.setNodeFailed('demo', 'removed', 'x');
      expect(await store.getNodes('demo')).toHaveLength(1);
    });
  });

  describe('instances', () => {
    beforeEach(async () => {
      await store.putInfra(spec([node('worker', 1, 10)]));
    });

    it('round-trips a full record and a minimal one', async () => {
      const full = instance('i1', {
        ref: { driver: 'docker', endpoint: 'unix:///var/run/docker.sock', id: 'abc123' },
        state: 'ready',
        snapshot: { value: 'ready', context: { attempt: 2, nested: [1, { a: null }] } },
        machineVersion: 3,
        addresses: { ip: '10.0.0.4', privateIp: '172.17.0.2' },
        attempts: 2,
        lastError: { code: 'REEF_DOCKER_UNAVAILABLE', message: 'ECONNREFUSED', transient: true },
        destroyReason: 'scale-down',
        generation: 4,
        readyAt: 5000,
      });
      await store.insertInstance(full);
      expect(await store.getInstance('i1')).toEqual(full);

      const { ref: _r, lastError: _l, destroyReason: _d, readyAt: _y, ...minimal } = instance('i2');
      await store.insertInstance(minimal);
      const back = await store.getInstance('i2');
      expect(back).toEqual({ ...minimal, ref: null, lastError: null, destroyReason: null, readyAt: null });
      expect(back && 'snapshot' in back).toBe(false);
      expect((await store.listInstances('demo')).map((i) => i.id)).toEqual(['i1', 'i2']);
    });

    it('updates only the columns a patch carries', async () => {
      await store.insertInstance(instance('i1', { addresses: { ip: '1.2.3.4' }, attempts: 1 }));
      await store.updateInstance('i1', { state: 'creating', updatedAt: 2000, ref: undefined });
      await store.updateInstance('i1', { lastError: { code: 'X', message: 'y', transient: false }, snapshot: { s: 1 } });
      expect(await store.getInstance('i1')).toEqual(instance('i1', {
        addresses: { ip: '1.2.3.4' }, attempts: 1, state: 'creating', updatedAt: 2000,
        lastError: { code: 'X', message: 'y', transient: false }, snapshot: { s: 1 },
      }));
      await store.updateInstance('i1', { lastError: null, readyAt: 3000 });
      expect(await store.getInstance('i1')).toMatchObject({ lastError: null, readyAt: 3000, state: 'creating' });
    });

    it('ignores identity fields in a patch, refuses unknown ones, and ignores a deleted instance', async () => {
      await store.insertInstance(instance('i1'));
      await store.updateInstance('i1', { ...instance('i1', { state: 'booting' }), id: 'other', node: 'x' } as never);
      expect(await store.getInstance('i1')).toMatchObject({ id: 'i1', node: 'worker', state: 'booting' });
      const err = await reefError(store.updateInstance('i1', { colour: 'red' } as never));
      expect(err.code).toBe('REEF_STATE_BAD_PATCH');
      await store.updateInstance('never-stored', { state: 'ready' });
      expect(await store.getInstance('never-stored')).toBeUndefined();
    });

    it('writes a batch in one transaction: all or nothing', async () => {
      for (let i = 0; i < 5; i++) await store.insertInstance(instance(`i${i}`));
      await store.writeInstances([0, 1, 2, 3, 4].map((i) => ({ id: `i${i}`, patch: { attempts: i, state: 'booting' as const } })));
      expect((await store.listInstances('demo')).map((i) => [i.attempts, i.state])).toEqual(
        [0, 1, 2, 3, 4].map((i) => [i, 'booting']));
      const err = await reefError(store.writeInstances([
        { id: 'i0', patch: { state: 'ready' } },
        { id: 'i1', patch: { nonsense: 1 } as never },
      ]));
      expect(err.code).toBe('REEF_STATE_BAD_PATCH');
      expect((await store.getInstance('i0'))?.state).toBe('booting');
    });

    it('refuses a duplicate id and an unknown infra with a fatal write error', async () => {
      await store.insertInstance(instance('i1'));
      const dup = await reefError(store.insertInstance(instance('i1')));
      expect(dup).toMatchObject({ code: 'REEF_STATE_WRITE', transient: false });
      expect(dup.message).toMatch(/UNIQUE|PRIMARY|unique constraint/);
      const orphan = await reefError(store.insertInstance(instance('i9', { infraId: 'nope' })));
      expect(orphan).toMatchObject({ code: 'REEF_STATE_WRITE', transient: false });
    });

    it('deletes an instance', async () => {
      await store.insertInstance(instance('i1'));
      await store.deleteInstance('i1');
      expect(await store.getInstance('i1')).toBeUndefined();
    });
  });

  describe('events', () => {
    const ev = (i: number, infra = 'demo'): NewEvent => ({ time: i, infra, kind: 'instance.transition', message: `event ${i}` });

    it('round-trips optional fields', async () => {
      const full: NewEvent = {
        time: 7, infra: 'demo', node: 'worker', instance: 'i1', kind: 'instance.transition',
        from: 'booting', to: 'ready', message: 'ready', data: { attempt: 2, ip: '10.0.0.1' },
      };
      await store.appendEvents([full, ev(8)]);
      expect(await store.listEvents({})).toEqual([{ seq: 1, ...full }, { seq: 2, ...ev(8) }]);
    });

    it('pages by afterSeq and limit, per infra, ordered by seq', async () => {
      await store.appendEvents(Array.from({ length: 30 }, (_, i) => ev(i, i % 3 === 0 ? 'other' : 'demo')));
      const page1 = await store.listEvents({ infra: 'demo', limit: 5 });
      expect(page1.map((e) => e.time)).toEqual([1, 2, 4, 5, 7]);
      const page2 = await store.listEvents({ infra: 'demo', afterSeq: page1[4].seq, limit: 5 });
      expect(page2.map((e) => e.time)).toEqual([8, 10, 11, 13, 14]);
      const all = await store.listEvents({ afterSeq: 25 });
      expect(all.map((e) => e.seq)).toEqual([26, 27, 28, 29, 30]);
      expect(await store.listEvents({ afterSeq: 30 })).toEqual([]);
    });

    it('returns at most 1000 events by default', async () => {
      await store.appendEvents(Array.from({ length: 1200 }, (_, i) => ev(i)));
      const page = await store.listEvents({ infra: 'demo' });
      expect(page).toHaveLength(1000);
      expect(page[999].seq).toBe(1000);
    });
  });

  describe('node definitions', () => {
    it('stores, replaces and lists definitions by type', async () => {
      const web = [{ resource: { type: 'docker', image: 'busybox' }, health_check: { ports: [80] } }];
      const db = [{ resource: { type: 'ec2', endpoint: 'https://ec2.eu-west-1.amazonaws.com' } }];
      expect(await store.putNodeDefs({ 'node_def:web': web, 'node_def:db': db }, 100)).toEqual(['node_def:web', 'node_def:db']);
      const web2 = [{ resource: { type: 'docker', image: 'nginx' } }];
      await store.putNodeDefs({ 'node_def:web': web2 }, 200);
      expect(await store.getNodeDefs()).toEqual({ 'node_def:db': db, 'node_def:web': web2 });
    });
  });

  describe('leases', () => {
    it('acquires, renews, refuses another holder, is taken over after expiry, and releases', async () => {
      expect(await store.acquireLease('demo', 'a', 1000, 0)).toBe(true);
      expect(await store.getLease('demo')).toEqual({ infraId: 'demo', holder: 'a', expiresAt: 1000 });
      expect(await store.acquireLease('demo', 'a', 1000, 500)).toBe(true); // renew
      expect((await store.getLease('demo'))?.expiresAt).toBe(1500);
      expect(await store.acquireLease('demo', 'b', 1000, 1499)).toBe(false);
      expect((await store.getLease('demo'))?.holder).toBe('a');
      expect(await store.acquireLease('demo', 'b', 1000, 1500)).toBe(true); // expired: taken over
      expect(await store.getLease('demo')).toEqual({ infraId: 'demo', holder: 'b', expiresAt: 2500 });
      await store.releaseLease('demo', 'a'); // not a's any more: no effect
      expect((await store.getLease('demo'))?.holder).toBe('b');
      await store.releaseLease('demo', 'b');
      expect(await store.getLease('demo')).toBeUndefined();
      expect(await store.acquireLease('demo', 'a', 1000, 1600)).toBe(true);
    });
  });

  fencingConformance(() => store);
}

function fencingConformance(current: () => Store): void {
  describe('fenced leases', () => {
    let store: Store;
    beforeEach(async () => {
      store = current();
      await store.putInfra(spec([node('worker', 1, 10)]));
    });

    it('renewal keeps the epoch; a take-over and a re-take after release get new, larger ones', async () => {
      const a = (await store.takeLease('demo', 'a', 1000, 0))!;
      expect(a).toMatchObject({ infraId: 'demo', holder: 'a', expiresAt: 1000 });
      expect((await store.takeLease('demo', 'a', 1000, 500))?.epoch).toBe(a.epoch);
      expect(await store.takeLease('demo', 'b', 1000, 1000)).toBeUndefined();
      const b = (await store.takeLease('demo', 'b', 1000, 1500))!;
      expect(b.epoch).toBeGreaterThan(a.epoch);
      await store.releaseLease('demo', 'b');
      const b2 = (await store.takeLease('demo', 'b', 1000, 1600))!;
      expect(b2.epoch).toBeGreaterThan(b.epoch);
      expect(await store.listLeases()).toEqual([{ infraId: 'demo', holder: 'b', expiresAt: 2600, epoch: b2.epoch }]);
    });

    it('commits fenced writes while held and audits them per epoch and holder', async () => {
      const f = (await store.takeLease('demo', 'a', 1000, Date.now()))!;
      await store.insertInstances([instance('i1')], f);
      await store.writeInstances([{ id: 'i1', patch: { state: 'creating' } }], f);
      await store.appendEvents([{ time: 1, infra: 'demo', kind: 'k', message: 'm' }], f);
      await store.setNodeFailed('demo', 'worker', 'gave up', f);
      expect(await store.getInstance('i1')).toMatchObject({ state: 'creating' });
      const audit = await store.listLeaseAudit('demo');
      expect(audit).toEqual([expect.objectContaining({ infraId: 'demo', epoch: f.epoch, holder: 'a', writes: 4 })]);
    });

    it('still accepts the holder\'s writes after expiry when nobody took over', async () => {
      const f = (await store.takeLease('demo', 'a', 10, 0))!;
      await store.insertInstance(instance('i1'), f);
      expect(await store.getInstance('i1')).toBeDefined();
    });

    it('refuses every write of a holder whose lease was taken over or released, changing nothing', async () => {
      const old = (await store.takeLease('demo', 'a', 1000, 0))!;
      await store.insertInstance(instance('i1'), old);
      const next = (await store.takeLease('demo', 'b', 1000, 5000))!;
      const attempts: Array<() => Promise<unknown>> = [
        () => store.insertInstances([instance('i2')], old),
        () => store.insertInstance(instance('i3'), old),
        () => store.writeInstances([{ id: 'i1', patch: { state: 'ready' } }], old),
        () => store.updateInstance('i1', { state: 'ready' }, old),
        () => store.deleteInstance('i1', old),
        () => store.appendEvents([{ time: 1, infra: 'demo', kind: 'k', message: 'late' }], old),
        () => store.setNodeFailed('demo', 'worker', 'late', old),
        () => store.setInfraStatus('demo', 'destroyed', 1, old),
        () => store.writeBatch({ patches: [{ id: 'i1', patch: { state: 'ready' } }], deletions: ['i1'], events: [{ time: 1, infra: 'demo', kind: 'k', message: 'late' }] }, old),
      ];
      for (const attempt of attempts) {
        const err = await reefError(attempt);
        expect(err).toMatchObject({ code: 'REEF_LEASE_LOST', transient: false });
        expect(err.message).toContain(`epoch ${old.epoch}`);
        expect(err.message).toContain('taken over by b');
      }
      expect((await store.listInstances('demo')).map((i) => [i.id, i.state])).toEqual([['i1', 'pending']]);
      expect(await store.listEvents({ infra: 'demo' })).toEqual([]);
      expect(await store.getNodes('demo')).toMatchObject([{ failedReason: null }]);
      expect((await store.getInfra('demo'))?.status).toBe('active');
      await store.writeInstances([{ id: 'i1', patch: { state: 'booting' } }], next);
      await store.releaseLease('demo', 'b');
      expect((await reefError(store.deleteInstance('i1', next))).message).toContain('was released');
      const audit = await store.listLeaseAudit();
      expect(audit.map((r) => [r.epoch, r.holder])).toEqual([[old.epoch, 'a'], [next.epoch, 'b']]);
    });

    it('writes a batch of patches, deletions and events at once, in order; a deletion wins over a patch', async () => {
      const f = (await store.takeLease('demo', 'a', 1000, Date.now()))!;
      await store.insertInstances([instance('i1'), instance('i2'), instance('i3')], f);
      await store.writeBatch({
        patches: [{ id: 'i1', patch: { state: 'creating' } }, { id: 'i2', patch: { state: 'ready' } }, { id: 'i1', patch: { attempts: 2 } }, { id: 'i3', patch: { state: 'ready' } }],
        deletions: ['i3'],
        events: [1, 2, 3].map((n) => ({ time: n, infra: 'demo', kind: 'k', message: `m${n}` })),
      }, f);
      expect((await store.listInstances('demo')).map((i) => [i.id, i.state, i.attempts])).toEqual([['i1', 'creating', 2], ['i2', 'ready', 0]]);
      expect((await store.listEvents({ infra: 'demo' })).map((e) => e.message)).toEqual(['m1', 'm2', 'm3']);
      expect(await store.listLeaseAudit('demo')).toEqual([expect.objectContaining({ holder: 'a', writes: 2 })]);
      await store.writeBatch({});
      await expect(store.writeBatch({ patches: [{ id: 'i1', patch: { nope: 1 } as never }] }, f)).rejects.toMatchObject({ code: 'REEF_STATE_BAD_PATCH' });
    });

    it('renews in one call the leases a holder still holds, and only those', async () => {
      await store.putInfra({ ...spec([node('worker', 1, 10)]), id: 'other' });
      const mine = (await store.takeLease('demo', 'a', 1000, 0))!;
      const lost = (await store.takeLease('other', 'a', 1000, 0))!;
      await store.takeLease('other', 'b', 1000, 2000); // expired, taken over
      const renewed = await store.renewLeases('a', ['demo', 'other', 'absent'], 1000, 2500);
      expect([...renewed]).toEqual([['demo', mine.epoch]]);
      expect((await store.listLeases()).map((l) => [l.infraId, l.holder, l.expiresAt])).toEqual([['demo', 'a', 3500], ['other', 'b', 3000]]);
      expect(lost.epoch).toBeLessThan((await store.listLeases())[1].epoch);
      await store.releaseLease('demo', 'a');
      expect((await store.renewLeases('a', ['demo'], 1000, 2600)).size).toBe(0);
      expect((await store.renewLeases('a', [], 1000, 2600)).size).toBe(0);
      expect((await store.listLeases()).map((l) => l.infraId)).toEqual(['other']);
    });

    it('lists replicas whose heartbeat has not expired; a leaving one goes at once', async () => {
      await store.heartbeat('r1', 1000, 0);
      await store.heartbeat('r2', 1000, 500);
      expect((await store.listReplicas(999)).map((r) => r.id)).toEqual(['r1', 'r2']);
      expect((await store.listReplicas(1000)).map((r) => r.id)).toEqual(['r2']);
      await store.heartbeat('r1', 1000, 1000);
      await store.leaveReplicas('r2');
      expect(await store.listReplicas(1001)).toEqual([{ id: 'r1', expiresAt: 2000 }]);
    });
  });
}
