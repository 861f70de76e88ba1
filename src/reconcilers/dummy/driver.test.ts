import { mkdtempSync, rmSync } from 'node:fs';
import { observeViaList } from '../../../test/drivers/observe.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext, CreateRequest, ResourceRef } from '../driver.js';
import { isReefError, type ReefError } from '../errors.js';
import { silentLogger } from '../../util/log.js';
import { openDummyCloud, type DummyCloud } from './cloud.js';
import { DummyDriver } from './driver.js';
import { dummyDriver } from './index.js';
import type { DummyResource } from './schema.js';

/** A clock that moves only when told to; timers fire in advance(). */
function fakeClock(start = 1_000_000) {
  let t = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(++seq, { at: t + ms, fn });
      return seq;
    },
    clearTimeout: (id: unknown) => void timers.delete(id as number),
    advance(ms: number) {
      t += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= t) {
          timers.delete(id);
          timer.fn();
        }
      }
    },
    timerCount: () => timers.size,
  };
}

let stateDir: string;
let clock: ReturnType<typeof fakeClock>;
let ctx: CallContext;
const opened: Array<{ close(): unknown }> = [];

function newDriver(): DummyDriver {
  const d = dummyDriver({ stateDir, log: silentLogger() }) as DummyDriver;
  opened.push(d);
  return d;
}
function cloud(endpoint = 'default'): DummyCloud {
  const c = openDummyCloud(stateDir, endpoint);
  opened.push(c);
  return c;
}
function req(instanceId: string, resource: Partial<DummyResource> = {}, infra = 'infra-a', node = 'worker'): CreateRequest<DummyResource> {
  return {
    instanceId,
    labels: { infra, node, instance: instanceId },
    resource: { type: 'dummy', ...resource },
    context: { kind: 'none' },
  };
}
async function caught(p: Promise<unknown>): Promise<ReefError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!isReefError(e)) throw new Error(`expected a ReefError, got ${String(e)}`);
  return e;
}

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'reef-dummy-'));
  clock = fakeClock();
  ctx = { signal: new AbortController().signal, log: silentLogger(), clock };
});
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('dummy driver: create', () => {
  it('is idempotent on instanceId: the second create returns the same resource', async () => {
    const d = newDriver();
    const a = await d.create(req('i-1'), ctx);
    const b = await d.create(req('i-1'), ctx);
    expect(b).toEqual(a);
    expect(a.ref).toEqual({ driver: 'dummy', endpoint: 'dummy:default', id: a.ref.id });
    expect(cloud().count()).toBe(1);
  });

  it('hands out unique sequential addresses under ip_prefix, crossing the third octet', async () => {
    const d = newDriver();
    const ips: string[] = [];
    for (let i = 0; i < 300; i++) ips.push((await d.create(req(`i-${i}`), ctx)).addresses!.ip!);
    expect(new Set(ips).size).toBe(300);
    expect(ips[0]).toBe('10.77.0.1');
    expect(ips[253]).toBe('10.77.0.254');
    expect(ips[254]).toBe('10.77.1.1');
    const other = await d.create(req('p-1', { ip_prefix: '192.168' }), ctx);
    expect(other.addresses!.ip).toMatch(/^192\.168\.1\.\d+$/);
  });

  it('waits create_delay on the injected clock, and an abort during it creates nothing', async () => {
    const d = newDriver();
    let done = false;
    const p = d.create(req('slow', { create_delay: 2000 }), ctx).then((r) => ((done = true), r));
    await Promise.resolve();
    clock.advance(1999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    expect((await p).ref.id).toMatch(/^dummy-\d+$/);

    const ac = new AbortController();
    const aborted = d.create(req('never', { create_delay: 2000 }), { ...ctx, signal: ac.signal });
    ac.abort();
    const e = await caught(aborted);
    expect([e.code, e.transient]).toEqual(['REEF_DUMMY_ABORTED', true]);
    expect(clock.timerCount()).toBe(0);
    expect(cloud().all().map((r) => r.labels.instance)).toEqual(['slow']);
  });
});

describe('dummy driver: phases from timestamps', () => {
  it("a create answers whether the resource runs already, as a real cloud's does", async () => {
    const d = newDriver();
    expect((await d.create(req('now'), ctx)).running).toBe(true);
    expect((await d.create(req('later', { boot_delay: 5000 }), ctx)).running).toBeUndefined();
    clock.advance(5000);
    // asked again (a retried create): the existing resource, running by now
    expect((await d.create(req('later', { boot_delay: 5000 }), ctx)).running).toBe(true);
  });

  it('is pending until boot_delay has passed, then running', async () => {
    const d = newDriver();
    const { ref } = await d.create(req('b', { boot_delay: 5000 }), ctx);
    expect(await observeViaList(d, { ref, resource: { type: 'dummy' } }, ctx)).toMatchObject({ exists: true, phase: 'pending' });
    clock.advance(4999);
    expect(await observeViaList(d, { ref, resource: { type: 'dummy' } }, ctx)).toMatchObject({ phase: 'pending' });
    clock.advance(1);
    expect(await observeViaList(d, { ref, resource: { type: 'dummy' } }, ctx)).toMatchObject({
      phase: 'running',
      addresses: { ip: '10.77.0.1', privateIp: '10.77.0.1' },
      labels: { infra: 'infra-a', node: 'worker', instance: 'b' },
    });
  });

  it('goes failed die_after ms after running, with a reason', async () => {
    const d = newDriver();
    const { ref } = await d.create(req('mortal', { boot_delay: 100, die_after: 1000 }), ctx);
    clock.advance(1099);
    expect(await observeViaList(d, { ref, resource: { type: 'dummy' } }, ctx)).toMatchObject({ phase: 'running' });
    clock.advance(1);
    const obs = await observeViaList(d, { ref, resource: { type: 'dummy' } }, ctx);
    expect(obs).toMatchObject({ phase: 'failed', reason: 'simulated death 1000 ms after boot' });
  });

  it('applies die_after to a deterministic share of instances (die_probability)', async () => {
    const deaths = async (dir: string, seed: number) => {
      const d = dummyDriver({ stateDir: join(stateDir, dir), log: silentLogger() });
      opened.push(d as DummyDriver);
      for (let i = 0; i < 200; i++) await d.create(req(`i-${i}`, { die_after: 0, die_probability: 0.5, seed }), ctx);
      const list = await d.list({ resource: { type: 'dummy' } }, ctx);
      return list.map((o) => (o.exists && o.phase === 'failed' ? 1 : 0)).join('');
    };
    const a = await deaths('a', 7);
    expect(await deaths('b', 7)).toBe(a);
    expect(await deaths('c', 8)).not.toBe(a);
    const dead = a.split('').filter((x) => x === '1').length;
    expect(dead).toBeGreaterThan(60);
    expect(dead).toBeLessThan(140);
  });

  it('honours out-of-band kill, stop and remove', async () => {
    const d = newDriver();
    const c = cloud();
    const refs: ResourceRef[] = [];
    for (const id of ['k', 's', 'r']) refs.push((await d.create(req(id), ctx)).ref);
    expect(c.kill('k')).toBe(true);
    expect(c.stop(refs[1]!.id)).toBe(true);
    expect(c.remove('r')).toBe(true);
    expect(c.kill('nobody')).toBe(false);
    const [k, s, r] = await Promise.all(refs.map((ref) => observeViaList(d, { ref, resource: { type: 'dummy' } }, ctx)));
    expect(k).toMatchObject({ phase: 'failed', reason: 'killed out of band' });
    expect(s).toMatchObject({ phase: 'stopped', reason: 'stopped out of band' });
    expect(r).toEqual({ exists: false, ref: refs[2] });
  });
});

describe('dummy driver: failure injection', () => {
  async function outcomes(seed: number, fail: DummyResource['fail_create'], dir: string): Promise<string[]> {
    const d = dummyDriver({ stateDir: dir, log: silentLogger() });
    opened.push(d as DummyDriver);
    const out: string[] = [];
    for (let i = 0; i < 40; i++) {
      out.push(await d.create(req(`i-${i}`, { seed, fail_create: fail }), ctx).then(() => 'ok', (e: ReefError) => e.code));
    }
    return out;
  }

  it('fails transiently and fatally by probability, the same way under the same seed', async () => {
    const fail = { transient: 0.3, fatal: 0.2 };
    const a = await outcomes(42, fail, join(stateDir, 'a'));
    const b = await outcomes(42, fail, join(stateDir, 'b'));
    const c = await outcomes(43, fail, join(stateDir, 'c'));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(new Set(a)).toEqual(new Set(['ok', 'REEF_DUMMY_TRANSIENT', 'REEF_DUMMY_FATAL']));
  });

  it('throws typed errors: TransientError retryable, FatalError not', async () => {
    const d = newDriver();
    const t = await caught(d.create(req('t', { fail_create: { transient: 1 } }), ctx));
    const f = await caught(d.create(req('f', { fail_create: { fatal: 1 } }), ctx));
    expect([t.name, t.code, t.transient]).toEqual(['TransientError', 'REEF_DUMMY_TRANSIENT', true]);
    expect([f.name, f.code, f.transient]).toEqual(['FatalError', 'REEF_DUMMY_FATAL', false]);
    expect(cloud().count()).toBe(0);
  });

  it('fails the first N attempts then succeeds, counting across driver objects (processes)', async () => {
    const resource = { fail_create: { times: 2 } };
    const first = await caught(newDriver().create(req('n', resource), ctx));
    expect(first.code).toBe('REEF_DUMMY_TRANSIENT');
    const again = newDriver();
    expect((await caught(again.create(req('n', resource), ctx))).message).toContain('attempt 2');
    const ok = await again.create(req('n', resource), ctx);
    expect(ok.addresses!.ip).toBe('10.77.0.1');
    // another instance has its own counter
    expect((await caught(again.create(req('m', resource), ctx))).code).toBe('REEF_DUMMY_TRANSIENT');
  });

  it('with per: node, counts attempts per node so a replacement instance succeeds', async () => {
    const d = newDriver();
    const resource = { fail_create: { fatal: 1, times: 1, per: 'node' as const } };
    expect((await caught(d.create(req('first', resource), ctx))).code).toBe('REEF_DUMMY_FATAL');
    expect((await d.create(req('replacement', resource), ctx)).ref.id).toMatch(/^dummy-/);
    expect((await caught(d.create(req('other-node', resource, 'infra-a', 'head'), ctx))).code).toBe('REEF_DUMMY_FATAL');
  });
});

describe('dummy driver: shared cloud, list, destroy', () => {
  it('two driver objects on one cloud file see the same resources', async () => {
    const a = newDriver();
    const b = newDriver();
    const created = await a.create(req('shared'), ctx);
    expect(await b.create(req('shared'), ctx)).toEqual(created);
    expect(await observeViaList(b, { ref: created.ref, resource: { type: 'dummy' } }, ctx)).toMatchObject({ exists: true });
    await b.destroy({ ref: created.ref, resource: { type: 'dummy' } }, ctx);
    expect(await observeViaList(a, { ref: created.ref, resource: { type: 'dummy' } }, ctx)).toMatchObject({ exists: false });
  });

  it('lists by infra label, or everything at the endpoint; endpoints are separate clouds', async () => {
    const d = newDriver();
    await d.create(req('a1', {}, 'infra-a'), ctx);
    await d.create(req('a2', {}, 'infra-a'), ctx);
    await d.create(req('b1', {}, 'infra-b'), ctx);
    await d.create(req('x1', { endpoint: 'elsewhere' }, 'infra-a'), ctx);
    const instancesOf = async (resource: DummyResource, infraId?: string) =>
      (await d.list({ resource, infraId }, ctx)).map((o) => (o.exists ? o.labels.instance : '?')).sort();
    expect(await instancesOf({ type: 'dummy' }, 'infra-a')).toEqual(['a1', 'a2']);
    expect(await instancesOf({ type: 'dummy' })).toEqual(['a1', 'a2', 'b1']);
    expect(await instancesOf({ type: 'dummy', endpoint: 'elsewhere' })).toEqual(['x1']);
    expect(d.endpointKey({ type: 'dummy', endpoint: 'elsewhere' })).toBe('dummy:elsewhere');
    expect(d.endpointKey({ type: 'dummy' })).toBe('dummy:default');
  });

  it('destroy of an absent resource succeeds', async () => {
    const d = newDriver();
    const ref = { driver: 'dummy', endpoint: 'dummy:default', id: 'dummy-999' };
    await expect(d.destroy({ ref, resource: { type: 'dummy' } }, ctx)).resolves.toBeUndefined();
    const { ref: real } = await d.create(req('gone'), ctx);
    await d.destroy({ ref: real, resource: { type: 'dummy' } }, ctx);
    await d.destroy({ ref: real, resource: { type: 'dummy' } }, ctx);
    expect(cloud().count()).toBe(0);
  });

  it('shows an inserted orphan in list with its reef labels', async () => {
    const d = newDriver();
    const orphan = cloud().insertOrphan({ infra: 'infra-a' });
    const list = await d.list({ resource: { type: 'dummy' }, infraId: 'infra-a' }, ctx);
    expect(list).toEqual([
      {
        exists: true,
        ref: { driver: 'dummy', endpoint: 'dummy:default', id: orphan.id },
        phase: 'running',
        addresses: { ip: orphan.ip, privateIp: orphan.ip },
        labels: { infra: 'infra-a', node: 'orphan', instance: `orphan-${orphan.id}` },
      },
    ]);
  });

  it('refuses a ref of another driver and an endpoint that is not a plain name', async () => {
    const d = newDriver();
    const bad = await caught(d.destroy({ ref: { driver: 'ec2', endpoint: 'x', id: 'i' }, resource: { type: 'dummy' } }, ctx));
    expect([bad.code, bad.transient]).toEqual(['REEF_DUMMY_BAD_REF', false]);
    const path = await caught(d.create(req('p', { endpoint: '../etc' }), ctx));
    expect([path.code, path.transient]).toEqual(['REEF_DUMMY_BAD_ENDPOINT', false]);
  });
});

describe('dummy driver: checkHealth', () => {
  const check = async (d: DummyDriver, ref: ResourceRef) => (await d.checkHealth({ ref, resource: { type: 'dummy' } }, ctx))[0]!;

  it('answers ok for a running instance, and fails when unhealthy: true', async () => {
    const d = newDriver();
    const ok = await d.create(req('ok'), ctx);
    const sick = await d.create(req('sick', { unhealthy: true }), ctx);
    expect(await check(d, ok.ref)).toEqual({ name: 'simulated', ok: true, detail: `${ok.ref.id} (10.77.0.1) answers` });
    expect(await check(d, sick.ref)).toMatchObject({ name: 'simulated', ok: false });
  });

  it('fails unhealthy_after ms after running, and after an out-of-band mark', async () => {
    const d = newDriver();
    const { ref } = await d.create(req('aging', { boot_delay: 10, unhealthy_after: 500 }), ctx);
    expect((await check(d, ref)).ok).toBe(false); // still booting
    clock.advance(10);
    expect((await check(d, ref)).ok).toBe(true);
    clock.advance(500);
    expect(await check(d, ref)).toMatchObject({ ok: false, detail: expect.stringContaining('500 ms after boot') });

    const other = await d.create(req('marked'), ctx);
    expect((await check(d, other.ref)).ok).toBe(true);
    cloud().markUnhealthy('marked');
    expect(await check(d, other.ref)).toMatchObject({ ok: false, detail: expect.stringContaining('marked unhealthy') });
    cloud().markUnhealthy(other.ref.id, false);
    expect((await check(d, other.ref)).ok).toBe(true);
  });

  it('fails for a resource that does not exist', async () => {
    const d = newDriver();
    const ref = { driver: 'dummy', endpoint: 'dummy:default', id: 'dummy-5' };
    expect(await check(d, ref)).toEqual({ name: 'simulated', ok: false, detail: 'dummy-5: no such resource' });
  });
});
