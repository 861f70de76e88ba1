import { describe, expect, it } from 'vitest';
import type { NodeSpec } from '../../spec/types.js';
import { followSpec } from './node-rows.js';
import type { NodeRow } from './rows.js';

const spec = (name: string, min: number, max: number) => ({ name, min, max }) as NodeSpec;
const row = (name: string, min: number, max: number, target: number, failed: string | null = null, position = 0): NodeRow =>
  ({ infra_id: 'i', name, position, min, max, target, failed_reason: failed });

describe('followSpec', () => {
  const cases: Array<{ name: string; existing: NodeRow[]; nodes: NodeSpec[]; want: { targets: number[]; failed: Array<string | null>; remove: string[] } }> = [
    { name: 'NewNodeStartsAtMin', existing: [], nodes: [spec('a', 2, 5)], want: { targets: [2], failed: [null], remove: [] } },
    { name: 'TargetKeptInsideRange', existing: [row('a', 1, 10, 4, 'x')], nodes: [spec('a', 1, 10)], want: { targets: [4], failed: ['x'], remove: [] } },
    { name: 'TargetClampedDown', existing: [row('a', 1, 10, 8, 'x')], nodes: [spec('a', 1, 5)], want: { targets: [5], failed: [null], remove: [] } },
    { name: 'TargetClampedUp', existing: [row('a', 1, 10, 1)], nodes: [spec('a', 3, 10)], want: { targets: [3], failed: [null], remove: [] } },
    { name: 'RemovedNodeListed', existing: [row('a', 1, 1, 1), row('b', 1, 1, 1)], nodes: [spec('b', 1, 1)], want: { targets: [1], failed: [null], remove: ['a'] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = followSpec('i', c.existing, c.nodes);
      expect({ targets: got.upsert.map((r) => r.target), failed: got.upsert.map((r) => r.failed_reason), remove: got.remove }).toEqual(c.want);
    });
  }

  it('after a destroy, targets and failures start from the new description (D15), removed nodes still listed', () => {
    const got = followSpec('i', [row('a', 3, 10, 9, 'gave up'), row('old', 1, 1, 1)], [spec('a', 3, 10)], true);
    expect({ targets: got.upsert.map((r) => r.target), failed: got.upsert.map((r) => r.failed_reason), remove: got.remove }).toEqual({ targets: [3], failed: [null], remove: ['old'] });
  });

  it('numbers positions in spec order', () => {
    const got = followSpec('i', [row('b', 1, 1, 1, null, 0)], [spec('a', 1, 1), spec('b', 1, 1)]);
    expect(got.upsert.map((r) => [r.name, r.position])).toEqual([['a', 0], ['b', 1]]);
  });
});
