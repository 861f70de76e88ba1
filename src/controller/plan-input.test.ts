import { describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../state/store.js';
import { isOutdated, planInputOf } from './plan-input.js';
import { DEFAULT_LIMITS } from './plan.js';

const rec = (id: string, node: string, over: Partial<InstanceRecord> = {}): InstanceRecord => ({
  id, infraId: 'i', node, implIndex: 0, driver: 'dummy', endpoint: 'default', ref: null, state: 'ready',
  machineVersion: 1, addresses: {}, attempts: 0, lastError: null, destroyReason: null, generation: 1, createdAt: 1,
  updatedAt: 1, readyAt: 1, ...over,
});
const nodeSpec = (name: string, dependsOn: string[] = []) => ({ name, dependsOn }) as never;

describe('isOutdated: built from an older node definition', () => {
  it('DifferentHashIsOutdated', () => expect(isOutdated('a', 'b')).toBe(true));
  it('SameHashIsCurrent', () => expect(isOutdated('a', 'a')).toBe(false));
  it('UnknownHashIsNeverRolled: an instance with no recorded hash, or a node no longer in the spec', () => {
    expect(isOutdated(null, 'b')).toBe(false);
    expect(isOutdated(undefined, 'b')).toBe(false);
    expect(isOutdated('a', undefined)).toBe(false);
  });
});

describe('planInputOf', () => {
  it('GathersNodesFailuresAndInstances: node rows in spec order, failure counts, outdated from the hash', () => {
    const input = planInputOf({
      infra: { status: 'active' },
      spec: { nodes: [nodeSpec('db'), nodeSpec('web', ['db']), nodeSpec('gone-from-store')], strategy: 'parallel' as never },
      nodes: [
        { infraId: 'i', name: 'web', min: 1, max: 5, target: 2, failedReason: null },
        { infraId: 'i', name: 'db', min: 1, max: 1, target: 1, failedReason: 'gave up' },
      ],
      failuresOf: (n) => (n === 'web' ? { count: 2, lastError: 'REEF_X: boom' } : undefined),
      instances: [{ rec: rec('db-1', 'db'), specHash: 'h-db' }, { rec: rec('web-1', 'web'), specHash: 'old' }],
      hashOf: (n) => (n === 'db' ? 'h-db' : 'h-web'),
      untracked: [],
      limits: DEFAULT_LIMITS,
    });
    expect(input.nodes).toEqual([
      { name: 'db', target: 1, dependsOn: [], failures: 0, failedReason: 'gave up', lastError: undefined },
      { name: 'web', target: 2, dependsOn: ['db'], failures: 2, failedReason: null, lastError: 'REEF_X: boom' },
    ]);
    expect(input.instances.map((i) => [i.id, i.outdated])).toEqual([['db-1', false], ['web-1', true]]);
    expect(input.status).toBe('active');
  });
  it('AnythingButActiveIsDestroying', () => {
    const input = planInputOf({ infra: { status: 'destroyed' }, spec: { nodes: [], strategy: 'parallel' as never }, nodes: [], failuresOf: () => undefined, instances: [], hashOf: () => undefined, untracked: [], limits: DEFAULT_LIMITS });
    expect(input.status).toBe('destroying');
  });
});
