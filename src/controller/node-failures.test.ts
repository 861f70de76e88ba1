import { describe, expect, it } from 'vitest';
import { countFailure, type NodeFailures } from './node-failures.js';

const STABLE = 60_000;
const run = (times: number[]) => times.reduce<NodeFailures | undefined>((f, t) => countFailure(f, t, STABLE, { code: 'REEF_INSTANCE_LOST', message: `at ${t}` }), undefined);

describe('countFailure: failures in a row per node', () => {
  it('FailuresInARowAddUp: failures closer than the stable while count up, even with a ready in between', () => {
    expect(run([0, 5_000, 10_000])?.count).toBe(3);
  });
  it('AStableWhileResets: a failure after a stable while without one starts again at 1', () => {
    expect(run([0, 5_000, 5_000 + STABLE])?.count).toBe(1);
  });
  it('JustUnderTheStableWhileStillCounts', () => {
    expect(run([0, STABLE - 1])?.count).toBe(2);
  });
  it('KeepsTheLastErrorWhenANewOneHasNone: a failure without a recorded error keeps the one before', () => {
    const first = countFailure(undefined, 0, STABLE, { code: 'REEF_X', message: 'boom' });
    expect(countFailure(first, 10, STABLE, null)).toEqual({ count: 2, lastAt: 10, lastError: 'REEF_X: boom' });
  });
});
