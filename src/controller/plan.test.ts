import { describe, expect, it } from 'vitest';
import { plan, DEFAULT_LIMITS, type PlanInput, type PlanInstance, type PlanNode } from './plan.js';
import type { Action } from './actions.js';
import type { InstanceState } from '../state/store.js';

const node = (name: string, target: number, dependsOn: string[] = [], extra: Partial<PlanNode> = {}): PlanNode => ({
  name, target, dependsOn, failures: 0, ...extra,
});
let clock = 0;
const inst = (id: string, nodeName: string, state: InstanceState, extra: Partial<PlanInstance> = {}): PlanInstance => ({
  id, node: nodeName, state, createdAt: extra.createdAt ?? ++clock, ...extra,
});
const input = (p: Partial<PlanInput>): PlanInput => ({
  status: 'active', nodes: [], instances: [], untracked: [], strategy: 'parallel', limits: DEFAULT_LIMITS, ...p,
});
const ref = (id: string) => ({ driver: 'dummy', endpoint: 'dummy:default', id });
const labels = (nodeName: string, instance: string) => ({ infra: 'i', node: nodeName, instance });

interface Case { name: string; reason: string; input: PlanInput; want: Action[] }

const cases: Case[] = [
  {
    name: 'EmptyInfraCreatesRoots',
    reason: 'nodes without dependencies are created at once, dependents wait',
    input: input({ nodes: [node('db', 1), node('web', 2, ['db'])] }),
    want: [{ kind: 'create', node: 'db', count: 1 }],
  },
  {
    name: 'DependentWaitsForAllTargetInstancesReady',
    reason: 'one of two head instances is still checking',
    input: input({
      nodes: [node('head', 2), node('worker', 3, ['head'])],
      instances: [inst('h1', 'head', 'ready'), inst('h2', 'head', 'checking')],
    }),
    want: [],
  },
  {
    name: 'DependentCreatedWhenDependencyReady',
    reason: 'all head instances are ready',
    input: input({
      nodes: [node('head', 1), node('worker', 3, ['head'])],
      instances: [inst('h1', 'head', 'ready')],
    }),
    want: [{ kind: 'create', node: 'worker', count: 3 }],
  },
  {
    name: 'SteadyStateDoesNothing',
    reason: 'counts match and everything is ready',
    input: input({
      nodes: [node('head', 1), node('worker', 2, ['head'])],
      instances: [inst('h1', 'head', 'ready'), inst('w1', 'worker', 'ready'), inst('w2', 'worker', 'ready')],
    }),
    want: [],
  },
  {
    name: 'ScaleUpCountsInProgressInstances',
    reason: 'instances still being created count toward the target',
    input: input({
      nodes: [node('worker', 5)],
      instances: [inst('w1', 'worker', 'ready'), inst('w2', 'worker', 'creating'), inst('w3', 'worker', 'pending')],
    }),
    want: [{ kind: 'create', node: 'worker', count: 2 }],
  },
  {
    name: 'ScaleDownYoungestFirst',
    reason: 'all ready: the two youngest go',
    input: input({
      nodes: [node('worker', 1)],
      instances: [
        inst('w1', 'worker', 'ready', { createdAt: 1 }),
        inst('w2', 'worker', 'ready', { createdAt: 3 }),
        inst('w3', 'worker', 'ready', { createdAt: 2 }),
      ],
    }),
    want: [
      { kind: 'destroy', instanceId: 'w2', node: 'worker', reason: 'scale-down' },
      { kind: 'destroy', instanceId: 'w3', node: 'worker', reason: 'scale-down' },
    ],
  },
  {
    name: 'ScaleDownNotReadyBeforeReady',
    reason: 'an old instance still booting goes before a young ready one',
    input: input({
      nodes: [node('worker', 1)],
      instances: [inst('w1', 'worker', 'booting', { createdAt: 1 }), inst('w2', 'worker', 'ready', { createdAt: 2 })],
    }),
    want: [{ kind: 'destroy', instanceId: 'w1', node: 'worker', reason: 'scale-down' }],
  },
  {
    name: 'ScaleDownRemovesFailedFirst',
    reason: 'target 2 with 2 ready and 1 failed: the failed one goes, nothing else',
    input: input({
      nodes: [node('worker', 2)],
      instances: [inst('w1', 'worker', 'ready'), inst('w2', 'worker', 'ready'), inst('w3', 'worker', 'failed')],
    }),
    want: [{ kind: 'destroy', instanceId: 'w3', node: 'worker', reason: 'replace' }],
  },
  {
    name: 'ScaleDownPastFailedInstances',
    reason: 'target 1 with 2 ready and 1 failed: the failed one and the youngest ready one go',
    input: input({
      nodes: [node('worker', 1)],
      instances: [
        inst('w1', 'worker', 'ready', { createdAt: 1 }),
        inst('w2', 'worker', 'ready', { createdAt: 2 }),
        inst('w3', 'worker', 'failed', { createdAt: 3 }),
      ],
    }),
    want: [
      { kind: 'destroy', instanceId: 'w2', node: 'worker', reason: 'scale-down' },
      { kind: 'destroy', instanceId: 'w3', node: 'worker', reason: 'failed' },
    ],
  },
  {
    name: 'NamedInstanceAlreadyMarkedIsNotCounted',
    reason: 'an instance marked for destruction (scale --instance) no longer counts; no extra victim',
    input: input({
      nodes: [node('worker', 1)],
      instances: [inst('w1', 'worker', 'ready'), inst('w2', 'worker', 'destroying', { destroyReason: 'scale-down' })],
    }),
    want: [],
  },
  {
    name: 'FailedInstanceReplaced',
    reason: 'a failed instance is destroyed and a new one created in the same plan',
    input: input({
      nodes: [node('worker', 2)],
      instances: [inst('w1', 'worker', 'ready'), inst('w2', 'worker', 'failed')],
    }),
    want: [{ kind: 'destroy', instanceId: 'w2', node: 'worker', reason: 'replace' }],
  },
  {
    name: 'ReplacementCreatedOnceTheOldOneIsGone',
    reason: 'the failed instance is still being destroyed: its slot stays taken',
    input: input({
      nodes: [node('worker', 2)],
      instances: [inst('w1', 'worker', 'ready'), inst('w2', 'worker', 'destroying', { destroyReason: 'replace' })],
    }),
    want: [],
  },
  {
    name: 'ReplacementCreatedAfterDestroy',
    reason: 'the replaced instance is gone (no longer listed): a new one is created',
    input: input({ nodes: [node('worker', 2)], instances: [inst('w1', 'worker', 'ready')] }),
    want: [{ kind: 'create', node: 'worker', count: 1 }],
  },
  {
    name: 'StormGuardLimitsReplacements',
    reason: 'four of four failed at once: only half are replaced now, the rest hold their slots',
    input: input({
      nodes: [node('worker', 4)],
      instances: [
        inst('w1', 'worker', 'failed', { createdAt: 1 }),
        inst('w2', 'worker', 'failed', { createdAt: 2 }),
        inst('w3', 'worker', 'failed', { createdAt: 3 }),
        inst('w4', 'worker', 'failed', { createdAt: 4 }),
      ],
    }),
    want: [
      { kind: 'destroy', instanceId: 'w1', node: 'worker', reason: 'replace' },
      { kind: 'destroy', instanceId: 'w2', node: 'worker', reason: 'replace' },
    ],
  },
  {
    name: 'StormGuardCountsReplacementsInFlight',
    reason: 'two replacements are already under way (half of 4): the third failure waits',
    input: input({
      nodes: [node('worker', 4)],
      instances: [
        inst('w1', 'worker', 'destroying', { destroyReason: 'replace' }),
        inst('w2', 'worker', 'destroying', { destroyReason: 'replace' }),
        inst('w3', 'worker', 'failed'),
        inst('w4', 'worker', 'ready'),
        inst('w5', 'worker', 'creating'),
        inst('w6', 'worker', 'creating'),
      ],
    }),
    want: [],
  },
  {
    name: 'NodeGivesUpAfterMaxFailures',
    reason: 'no endless crash loop: report once, clean up, create nothing',
    input: input({
      nodes: [node('worker', 2, [], { failures: 5, lastError: 'REEF_DUMMY_FATAL: bad image' })],
      instances: [inst('w1', 'worker', 'failed')],
    }),
    want: [
      { kind: 'node-failed', node: 'worker', reason: 'REEF_DUMMY_FATAL: bad image' },
      { kind: 'destroy', instanceId: 'w1', node: 'worker', reason: 'failed' },
    ],
  },
  {
    name: 'FailedNodeReportedOnlyOnce',
    reason: 'a node already marked failed is not reported again and its dependents stay gated',
    input: input({
      nodes: [node('db', 1, [], { failures: 5, failedReason: 'boom' }), node('web', 1, ['db'])],
      instances: [],
    }),
    want: [],
  },
  {
    name: 'SerialStrategyOneAtATime',
    reason: 'serial: one instance in creation across the infra',
    input: input({ strategy: 'serial', nodes: [node('a', 3), node('b', 2)] }),
    want: [{ kind: 'create', node: 'a', count: 1 }],
  },
  {
    name: 'SerialStrategyWaitsForInProgress',
    reason: 'serial: nothing new while one is still being created',
    input: input({ strategy: 'serial', nodes: [node('a', 3)], instances: [inst('a1', 'a', 'booting')] }),
    want: [],
  },
  {
    name: 'NodeRemovedFromSpec',
    reason: 'instances of a node no longer in the spec are destroyed',
    input: input({ nodes: [node('a', 1)], instances: [inst('a1', 'a', 'ready'), inst('x1', 'old', 'ready')] }),
    want: [{ kind: 'destroy', instanceId: 'x1', node: 'old', reason: 'node-removed' }],
  },
  {
    name: 'AdoptUntrackedWhenWanted',
    reason: 'a labelled resource without a row fills a missing slot instead of a new create',
    input: input({ nodes: [node('a', 2)], instances: [inst('a1', 'a', 'ready')], untracked: [{ ref: ref('c9'), labels: labels('a', 'a9') }] }),
    want: [{ kind: 'adopt', node: 'a', instanceId: 'a9', ref: ref('c9') }],
  },
  {
    name: 'CollectUntrackedSurplus',
    reason: 'the node is full: the orphan is deleted',
    input: input({ nodes: [node('a', 1)], instances: [inst('a1', 'a', 'ready')], untracked: [{ ref: ref('c9'), labels: labels('a', 'a9') }] }),
    want: [{ kind: 'collect', ref: ref('c9'), labels: labels('a', 'a9'), reason: 'node "a" already has its 1 instances' }],
  },
  {
    name: 'CollectUntrackedOfUnknownNode',
    reason: 'an orphan of a node not in the spec is deleted',
    input: input({ nodes: [node('a', 0)], untracked: [{ ref: ref('c9'), labels: labels('zz', 'z1') }] }),
    want: [{ kind: 'collect', ref: ref('c9'), labels: labels('zz', 'z1'), reason: 'node "zz" is not in the spec' }],
  },
  {
    name: 'DestroyEverything',
    reason: 'infra being destroyed: every instance and orphan goes, already-destroying ones are left alone',
    input: input({
      status: 'destroying',
      nodes: [node('a', 2)],
      instances: [inst('a1', 'a', 'ready'), inst('a2', 'a', 'destroying', { destroyReason: 'destroy' })],
      untracked: [{ ref: ref('c9'), labels: labels('a', 'a9') }],
    }),
    want: [
      { kind: 'destroy', instanceId: 'a1', node: 'a', reason: 'destroy' },
      { kind: 'collect', ref: ref('c9'), labels: labels('a', 'a9'), reason: 'infra destroyed' },
    ],
  },
  {
    name: 'ZeroTargetNode',
    reason: 'min 0: a node scaled to zero creates nothing and its dependents are not gated by it',
    input: input({ nodes: [node('opt', 0), node('web', 1, ['opt'])] }),
    want: [{ kind: 'create', node: 'web', count: 1 }],
  },
];

describe('plan', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.reason}`, () => {
      expect(plan(c.input)).toEqual(c.want);
    });
  }

});

describe('plan: rolling update of outdated instances', () => {
  it('replaces outdated instances within the replacement budget once the node is whole and ready', () => {
    const got = plan(input({
      nodes: [node('w', 4)],
      instances: [
        inst('w1', 'w', 'ready', { createdAt: 1, outdated: true }),
        inst('w2', 'w', 'ready', { createdAt: 2, outdated: true }),
        inst('w3', 'w', 'ready', { createdAt: 3, outdated: true }),
        inst('w4', 'w', 'ready', { createdAt: 4 }),
      ],
    }));
    expect(got).toEqual([
      { kind: 'destroy', instanceId: 'w1', node: 'w', reason: 'outdated' },
      { kind: 'destroy', instanceId: 'w2', node: 'w', reason: 'outdated' },
    ]);
  });

  it('waits while a batch is still coming up', () => {
    const got = plan(input({
      nodes: [node('w', 2)],
      instances: [
        inst('w1', 'w', 'destroying', { destroyReason: 'outdated' }),
        inst('w2', 'w', 'ready', { outdated: true }),
        inst('w3', 'w', 'checking'),
      ],
    }));
    expect(got).toEqual([]);
  });
});
