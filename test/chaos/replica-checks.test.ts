/** The chaos test's own checks must see what they are there to see (pure; no replicas needed). */
import { describe, expect, it } from 'vitest';
import type { InstanceRecord, LeaseAuditRecord, NodeRecord, Store } from '../../src/state/store.js';
import { auditProblems, storeProblems, type CloudResource } from './replica-checks.js';

const audit = (infraId: string, epoch: number, holder: string, firstAt: number, lastAt: number): LeaseAuditRecord =>
  ({ infraId, epoch, holder, writes: 1, firstAt, lastAt });

describe('auditProblems', () => {
  it('accepts epochs that follow each other, one holder each', () => {
    expect(auditProblems([audit('a', 1, 'r1', 0, 10), audit('a', 4, 'r2', 11, 20), audit('b', 2, 'r1', 5, 30)])).toEqual([]);
  });
  it('reports two holders in one epoch', () => {
    expect(auditProblems([audit('a', 3, 'r1', 0, 10), audit('a', 3, 'r2', 12, 20)])).toEqual(['epoch a@3 written by r1 and r2']);
  });
  it('reports an earlier epoch writing after a later one began (a stale write got through)', () => {
    expect(auditProblems([audit('a', 1, 'r1', 0, 25), audit('a', 4, 'r2', 11, 20), audit('a', 7, 'r3', 30, 40)]))
      .toEqual(['a: epoch 1 (r1) wrote at 25, after epoch 4 (r2) first wrote at 11']);
  });
});

describe('storeProblems', () => {
  const node = (name: string, target: number) => ({ name, target }) as NodeRecord;
  const inst = (id: string, nodeName: string, state = 'ready') => ({ id, node: nodeName, state, destroyReason: null }) as unknown as InstanceRecord;
  const store = (nodes: NodeRecord[], instances: InstanceRecord[]) =>
    ({ getNodes: async () => nodes, listInstances: async () => instances }) as unknown as Store;
  const res = (id: string, instance: string, extra: Partial<CloudResource> = {}): CloudResource => ({ id, infra: 'a', node: 'w', instance, up: true, ...extra });

  it('accepts exactly the desired instances, one running resource each', async () => {
    expect(await storeProblems(store([node('w', 2)], [inst('i1', 'w'), inst('i2', 'w')]), [{ id: 'a', targets: { w: 2 } }], [res('c1', 'i1'), res('c2', 'i2')])).toEqual([]);
  });
  it('reports a twin, an orphan, a missing resource, a stopped one, a wrong count and a foreign infra', async () => {
    const problems = await storeProblems(store([node('w', 3)], [inst('i1', 'w'), inst('i2', 'w', 'creating')]), [{ id: 'a', targets: { w: 3 } }],
      [res('c1', 'i1'), res('c1b', 'i1'), res('c3', 'i9'), res('c4', 'i1', { up: false }), res('c5', 'x', { infra: 'zz' })]);
    expect(problems).toEqual(expect.arrayContaining([
      'orphan: c5 of unknown infra zz',
      'a: instance i2 (w) is creating',
      'a: 2 w instances in the store, desired 3',
      'twin: 3 resources (c1, c1b, c4) for instance i1 of a',
      'a: resource c4 of instance i1 is not running',
      'orphan: c3 (instance i9 of a) is not in the store',
      'a: instance i2 (creating) has no resource in the cloud',
    ]));
  });
});
