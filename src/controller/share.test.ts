import { describe, expect, it } from 'vitest';
import { decideShare, takeUpTo } from './share.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `infra-${String(i).padStart(2, '0')}`);

describe('decideShare', () => {
  it('a lone replica takes every free infra', () => {
    const d = decideShare({ me: 'a', replicas: 1, infras: ids(5), leased: new Map(), mine: new Set() });
    expect(d.share).toBe(5);
    expect([...d.take].sort()).toEqual(ids(5));
  });

  it('takes only up to its share and never a lease another replica holds', () => {
    const leased = new Map(ids(30).slice(0, 10).map((id) => [id, 'b']));
    const d = decideShare({ me: 'a', replicas: 3, infras: ids(30), leased, mine: new Set() });
    expect(d.share).toBe(10);
    expect(d.take).toHaveLength(10);
    expect(d.take.some((id) => leased.has(id))).toBe(false);
  });

  it('hands back its surplus when a replica joins, and holds still at its share', () => {
    const mine = new Set(ids(30));
    const leased = new Map([...mine].map((id) => [id, 'a']));
    const joined = decideShare({ me: 'a', replicas: 3, infras: ids(30), leased, mine });
    expect(joined.handBack).toHaveLength(20);
    expect(joined.take).toEqual([]);
    const kept = new Set(ids(30).filter((id) => !joined.handBack.includes(id)));
    expect(decideShare({ me: 'a', replicas: 3, infras: ids(30), leased, mine: kept })).toMatchObject({ take: [], handBack: [] });
  });

  it('three replicas taking in turn split 31 infras 11/11/9 or better, with no infra twice', () => {
    const leased = new Map<string, string>();
    const held: Record<string, Set<string>> = { a: new Set(), b: new Set(), c: new Set() };
    for (let round = 0; round < 3; round++) {
      for (const me of ['a', 'b', 'c']) {
        const d = decideShare({ me, replicas: 3, infras: ids(31), leased, mine: held[me] });
        for (const id of d.take) {
          held[me].add(id);
          leased.set(id, me);
        }
      }
    }
    const sizes = Object.values(held).map((s) => s.size);
    expect(sizes.reduce((a, b) => a + b)).toBe(31);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(11);
  });

  it('ignores held infras that are no longer wanted (destroyed)', () => {
    const d = decideShare({ me: 'a', replicas: 1, infras: ids(2), leased: new Map(), mine: new Set(['gone']) });
    expect(d.take).toHaveLength(2);
  });
});

describe('takeUpTo', () => {
  it('fills the share from the spare candidates when picks are lost to another replica, in the same round', async () => {
    const d = decideShare({ me: 'a', replicas: 3, infras: ids(9), leased: new Map(), mine: new Set() });
    expect(d.take).toHaveLength(3);
    expect([...d.take, ...d.spare].sort()).toEqual(ids(9));
    // another replica got two of a's picks first
    const lost = new Set(d.take.slice(0, 2));
    const tried: string[] = [];
    const taken = await takeUpTo(d.take.length, [...d.take, ...d.spare], async (id) => {
      tried.push(id);
      return !lost.has(id);
    });
    expect(taken).toEqual([d.take[2], d.spare[0], d.spare[1]]);
    expect(tried).toEqual([...d.take, d.spare[0], d.spare[1]]);
  });

  it('tries the first wave side by side, stops at room, and ends when candidates run out', async () => {
    let inFlight = 0;
    let most = 0;
    const take = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return true;
    };
    expect(await takeUpTo(3, ids(6), take)).toEqual(ids(3));
    expect(most).toBe(3);
    expect(await takeUpTo(4, ids(2), async () => false)).toEqual([]);
    expect(await takeUpTo(0, ids(2), take)).toEqual([]);
  });
});
