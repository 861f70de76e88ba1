import { describe, expect, it } from 'vitest';
import { diffInfra, variableChanges, type InfraDiff } from './diff.js';
import { nodeFingerprint } from './node-fingerprint.js';
import type { InfraRecord, InstanceRecord, InstanceState, NodeRecord } from '../state/store.js';
import type { InfraSpec, NodeSpec } from '../spec/types.js';
import { infraSpec, node } from '../../test/helpers/spec.js';
import { diffText, maskVariables } from '../cli/render-diff.js';

const web = (o: Partial<NodeSpec> = {}) => node('web', { min: 1, max: 10, ...o });
const db = (o: Partial<NodeSpec> = {}) => node('db', { min: 1, max: 1, ...o });

let clock = 0;
function inst(id: string, nodeSpec: NodeSpec, state: InstanceState = 'ready', extra: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id, infraId: 'i', node: nodeSpec.name, implIndex: 0, driver: 'dummy', endpoint: 'default', state, machineVersion: 1, addresses: {},
    attempts: 0, generation: 1, createdAt: ++clock, updatedAt: clock, snapshot: { context: { specHash: nodeFingerprint(nodeSpec) } }, ...extra,
  };
}
const row = (n: NodeSpec, target: number, failedReason: string | null = null): NodeRecord =>
  ({ infraId: 'i', name: n.name, min: n.min, max: n.max, target, failedReason }) as NodeRecord;
const record = (spec: InfraSpec, status: InfraRecord['status'] = 'active'): InfraRecord =>
  ({ id: 'i', name: 'i', spec, generation: 4, status, createdAt: 0, updatedAt: 0 });

interface Case {
  name: string;
  spec: InfraSpec;
  stored?: { spec: InfraSpec; status?: InfraRecord['status']; nodes: NodeRecord[]; instances: InstanceRecord[] };
  expect: (d: InfraDiff) => void;
}

const oldWeb = web();
const cases: Case[] = [
  {
    name: 'a new infra: every node to create, at its minimum',
    spec: infraSpec('i', [db(), web({ min: 3 })]),
    expect: (d) => {
      expect(d.status).toBe('new');
      expect(d.nodes.map((n) => [n.name, n.change, n.create])).toEqual([['db', 'add', 1], ['web', 'add', 3]]);
      expect(d.totals).toEqual({ create: 4, remove: 0, roll: 0 });
      expect(d.changed).toBe(true);
    },
  },
  {
    name: 'unchanged file and a whole, ready infra: no changes',
    spec: infraSpec('i', [oldWeb]),
    stored: { spec: infraSpec('i', [oldWeb]), nodes: [row(oldWeb, 2)], instances: [inst('w1', oldWeb), inst('w2', oldWeb)] },
    expect: (d) => {
      expect(d.changed).toBe(false);
      expect(d.status).toBe('unchanged');
      expect(d.nodes[0]).toMatchObject({ change: 'none', ready: 2, create: 0, remove: [] });
    },
  },
  {
    name: 'a raised minimum raises the target: the missing instances are created',
    spec: infraSpec('i', [web({ min: 4 })]),
    stored: { spec: infraSpec('i', [oldWeb]), nodes: [row(oldWeb, 2)], instances: [inst('w1', oldWeb), inst('w2', oldWeb)] },
    expect: (d) => {
      expect(d.nodes[0]).toMatchObject({ change: 'update', target: { from: 2, to: 4 }, range: { from: [1, 10], to: [4, 10] }, create: 2, roll: 0, remove: [] });
      expect(d.generation).toEqual({ from: 4, to: 5 });
    },
  },
  {
    name: 'a lowered maximum: scale-down removes the youngest, as reconciliation would',
    spec: infraSpec('i', [web({ max: 1 })]),
    stored: { spec: infraSpec('i', [oldWeb]), nodes: [row(oldWeb, 3)], instances: [inst('old', oldWeb), inst('mid', oldWeb), inst('young', oldWeb)] },
    expect: (d) => expect(d.nodes[0].remove).toEqual([{ instance: 'mid', reason: 'scale-down' }, { instance: 'young', reason: 'scale-down' }]),
  },
  {
    name: 'failed instances are removed and replaced',
    spec: infraSpec('i', [oldWeb]),
    stored: { spec: infraSpec('i', [oldWeb]), nodes: [row(oldWeb, 2)], instances: [inst('ok', oldWeb), inst('bad', oldWeb, 'failed')] },
    expect: (d) => {
      expect(d.status).toBe('unchanged');
      expect(d.changed).toBe(true);
      expect(d.nodes[0]).toMatchObject({ create: 1, remove: [{ instance: 'bad', reason: 'failed' }] });
    },
  },
  {
    name: 'changed variables: every instance built from the old definition rolls; the variables are listed',
    spec: infraSpec('i', [web({ variables: { threads: 16, tls: { on: true } } })]),
    stored: {
      spec: infraSpec('i', [web({ variables: { threads: 8, tls: { on: false } } })]),
      nodes: [row(oldWeb, 2)],
      instances: [inst('a', web({ variables: { threads: 8, tls: { on: false } } })), inst('b', web({ variables: { threads: 8, tls: { on: false } } }))],
    },
    expect: (d) => {
      expect(d.nodes[0]).toMatchObject({ definitionChanged: true, roll: 2, create: 2 });
      expect(d.nodes[0].remove.map((r) => r.reason)).toEqual(['definition changed', 'definition changed']);
      expect(d.nodes[0].variables).toEqual([{ key: 'threads', from: 8, to: 16 }, { key: 'tls.on', from: false, to: true }]);
    },
  },
  {
    name: 'a removed node: all its instances go; instances being destroyed already are not counted',
    spec: infraSpec('i', [oldWeb]),
    stored: {
      spec: infraSpec('i', [db(), oldWeb]), nodes: [row(db(), 1), row(oldWeb, 1)],
      instances: [inst('d1', db()), inst('d0', db(), 'destroying', { destroyReason: 'scale-down' }), inst('w1', oldWeb)],
    },
    expect: (d) => {
      expect(d.nodes.find((n) => n.name === 'db')).toMatchObject({ change: 'remove', remove: [{ instance: 'd1', reason: 'node removed' }] });
      expect(d.totals).toEqual({ create: 0, remove: 1, roll: 0 });
    },
  },
  {
    name: 'a node that gave up is tried again',
    spec: infraSpec('i', [oldWeb]),
    stored: { spec: infraSpec('i', [oldWeb]), nodes: [row(oldWeb, 1, 'quota')], instances: [] },
    expect: (d) => expect(d.nodes[0]).toMatchObject({ change: 'update', retry: true, create: 1 }),
  },
  {
    name: 'a destroyed infra is created again from its minimums',
    spec: infraSpec('i', [oldWeb]),
    stored: { spec: infraSpec('i', [oldWeb]), status: 'destroyed', nodes: [row(oldWeb, 5)], instances: [] },
    expect: (d) => {
      expect(d.status).toBe('reactivate');
      expect(d.nodes[0]).toMatchObject({ change: 'add', create: 1 });
    },
  },
];

describe('diffInfra', () => {
  it.each(cases)('$name', (c) => {
    const stored = c.stored && { infra: record(c.stored.spec, c.stored.status), nodes: c.stored.nodes, instances: c.stored.instances };
    const specChanged = !c.stored || JSON.stringify(c.stored.spec) !== JSON.stringify(c.spec);
    c.expect(diffInfra({ spec: c.spec, stored, fingerprint: nodeFingerprint, specChanged }));
  });

  it('flattens nested variables and notes added and removed keys', () => {
    expect(variableChanges({ a: 1, m: { x: 1, y: 2 } }, { m: { x: 1, y: 3 }, b: [1] })).toEqual([
      { key: 'a', from: 1 }, { key: 'b', to: [1] }, { key: 'm.y', from: 2, to: 3 },
    ]);
  });

  it('never prints values of variables named like secrets', () => {
    expect(maskVariables([{ key: 'cluster_secret', from: 'a', to: 'b' }, { key: 'db.password', to: 'x' }, { key: 'ssh_key', from: 'k' }, { key: 'keyboard', to: 'us' }]))
      .toEqual([{ key: 'cluster_secret', from: '(sensitive)', to: '(sensitive)' }, { key: 'db.password', to: '(sensitive)' }, { key: 'ssh_key', from: '(sensitive)' }, { key: 'keyboard', to: 'us' }]);
  });

  it('reads like a Terraform plan', () => {
    const c = cases[5];
    const d = diffInfra({ spec: c.spec, stored: { infra: record(c.stored!.spec), nodes: c.stored!.nodes, instances: c.stored!.instances }, fingerprint: nodeFingerprint, specChanged: true });
    expect(diffText(d)).toBe([
      'reef apply would update infra i (generation 4 → 5):',
      '',
      '  ~ web   target 2   [1..10]',
      '      ~ 2 instances to roll: definition changed; variables:',
      '          threads: 8 → 16',
      '          tls.on: false → true',
      '',
      'Plan: 2 to create, 2 to remove (2 of them rolled: replaced a batch at a time, as reconciliation does).',
    ].join('\n'));
  });
});
