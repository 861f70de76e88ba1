import { describe, expect, it } from 'vitest';
import type { InfraSpec } from '../../spec/types.js';
import { specHash, stableStringify } from './spec-hash.js';

const base: InfraSpec = {
  id: 'demo', name: 'demo', variables: { a: 1, b: { x: [1, { y: 2, z: 3 }] } }, nodes: [], strategy: 'parallel',
  source: { infraFile: '/a.yaml' },
};

describe('stableStringify', () => {
  it('sorts keys at every level, keeps array order, drops undefined', () => {
    expect(stableStringify({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
  });
});

describe('specHash', () => {
  it('ignores source and key order', () => {
    const reordered = { source: { nodesFile: '/n.yaml' }, strategy: 'parallel', nodes: [], name: 'demo', id: 'demo',
      variables: { b: { x: [1, { z: 3, y: 2 }] }, a: 1 } } as InfraSpec;
    expect(specHash(reordered)).toBe(specHash(base));
  });

  it('changes with any desired value, including array order', () => {
    expect(specHash({ ...base, strategy: 'serial' })).not.toBe(specHash(base));
    expect(specHash({ ...base, variables: { a: 1, b: { x: [{ y: 2, z: 3 }, 1] } } })).not.toBe(specHash(base));
    expect(specHash({ ...base, userId: 'u' })).not.toBe(specHash(base));
  });
});
