/**
 * The lease keeper renews every lease a controller holds in one store call per round, keeps a late lease while
 * it may still be its own, and reports exactly once a lease that was taken over or could not be renewed in time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeldLease } from '../../src/controller/held-lease.js';
import { LeaseKeeper, type LeaseEnd } from '../../src/controller/lease-keeper.js';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import type { Store } from '../../src/state/store.js';
import { silentLogger } from '../../src/util/log.js';
import { advance, TestClock } from '../helpers/sim-clock.js';
import { spec, node, tempDir } from '../state/fixtures.js';

const TTL = 6000;
let dir: ReturnType<typeof tempDir>;
let store: Store;
let clock: TestClock;
let calls: string[][];
let failing: boolean;

beforeEach(async () => {
  dir = tempDir();
  const real = openSqliteStore(`${dir.dir}/state.db`);
  calls = [];
  failing = false;
  store = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'renewLeases') {
        return (holder: string, ids: string[], ttl: number, now: number) => {
          calls.push(ids);
          return failing ? Promise.reject(new Error('store down')) : real.renewLeases(holder, ids, ttl, now);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  clock = new TestClock(1_000_000);
  for (const id of ['a', 'b', 'c']) await store.putInfra(spec([node('w', 1, 1)], { id }));
});

afterEach(async () => {
  await store.close();
  dir.cleanup();
});

async function hold(keeper: LeaseKeeper, id: string, ends: Array<[string, LeaseEnd['kind']]>, renewals: string[] = []): Promise<HeldLease> {
  const fence = (await store.takeLease(id, 'me', TTL, clock.now()))!;
  const lease = new HeldLease(fence, clock.now(), TTL, clock);
  keeper.keep(id, { lease, log: silentLogger(), ended: (e) => ends.push([id, e.kind]), renewed: () => renewals.push(id) });
  return lease;
}

/** A keeper holding lease 'a', whose renewals fail from now on. */
async function holdOneWhileTheStoreFails(): Promise<{ a: HeldLease; ends: Array<[string, LeaseEnd['kind']]> }> {
  const keeper = new LeaseKeeper({ store, holder: 'me', ttlMs: TTL, clock, log: silentLogger() });
  const ends: Array<[string, LeaseEnd['kind']]> = [];
  const a = await hold(keeper, 'a', ends);
  failing = true;
  return { a, ends };
}

describe('LeaseKeeper', () => {
  it('renews all held leases in one call every ttl/3, and stops when none is left', async () => {
    const keeper = new LeaseKeeper({ store, holder: 'me', ttlMs: TTL, clock, log: silentLogger() });
    const ends: Array<[string, LeaseEnd['kind']]> = [];
    const renewals: string[] = [];
    const leases = [await hold(keeper, 'a', ends, renewals), await hold(keeper, 'b', ends, renewals), await hold(keeper, 'c', ends, renewals)];
    await advance(clock, 20_000);
    expect(calls).toHaveLength(10); // one round per 2 s, every lease in it
    expect(calls.every((ids) => ids.join() === 'a,b,c')).toBe(true);
    expect(renewals).toHaveLength(30);
    expect(ends).toEqual([]);
    expect(leases.every((l) => l.canAct())).toBe(true);
    expect((await store.listLeases()).every((l) => l.expiresAt > clock.now())).toBe(true);
    ['a', 'b', 'c'].forEach((id, i) => keeper.forget(id, leases[i]));
    await advance(clock, 20_000);
    expect(calls).toHaveLength(10);
    expect(clock.nextDue()).toBeUndefined();
  });

  it('reports a lease taken over by another holder once, and keeps renewing the rest', async () => {
    const keeper = new LeaseKeeper({ store, holder: 'me', ttlMs: TTL, clock, log: silentLogger() });
    const ends: Array<[string, LeaseEnd['kind']]> = [];
    const a = await hold(keeper, 'a', ends);
    await hold(keeper, 'b', ends);
    await store.releaseLease('a', 'me');
    await store.takeLease('a', 'other', TTL, clock.now());
    await advance(clock, 10_000);
    expect(ends).toEqual([['a', 'lost']]);
    expect(a.isLost).toBe(true);
    expect(calls.slice(1).every((ids) => ids.join() === 'b')).toBe(true);
    expect((await store.listLeases()).map((l) => [l.infraId, l.holder])).toEqual([['a', 'other'], ['b', 'me']]);
  });

  it('keeps leases through failed renewals until past their time, then gives each up once', async () => {
    const { a, ends } = await holdOneWhileTheStoreFails();
    await advance(clock, 4_500);
    expect(ends).toEqual([]);
    expect(a.canAct()).toBe(true); // within its trusted 80 %
    await advance(clock, 1_000);
    expect(a.canAct()).toBe(false); // past trust: held back, not yet given up
    expect(ends).toEqual([]);
    await advance(clock, 2_000);
    expect(ends).toEqual([['a', 'expired']]);
    const rounds = calls.length;
    await advance(clock, 10_000);
    expect(calls).toHaveLength(rounds);
  });

  it('a renewal that comes back restores trust in a late lease', async () => {
    const { a, ends } = await holdOneWhileTheStoreFails();
    await advance(clock, 5_000);
    expect(a.canAct()).toBe(false);
    failing = false;
    await advance(clock, 1_000);
    expect(a.canAct()).toBe(true);
    expect(ends).toEqual([]);
  });
});
