/**
 * The fleet (machines indexed by id and node) with the recorder that turns their snapshots into rows, events,
 * failure counts and tick requests, on xstate's SimulatedClock with fake effects: no store, no cloud, no timer.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { FatalError } from '../errors/index.js';
import type { InstancePatch, InstanceRecord, NewEvent } from '../state/store.js';
import { silentLogger } from '../util/log.js';
import { Fleet } from './fleet.js';
import { InstanceRecorder } from './instance-recorder.js';
import { MACHINE_VERSION } from './instance/machine.js';
import { provideInstanceMachine } from './instance/implementations.js';
import type { InstanceEffects } from './instance/types.js';
import { RecentlyGone, feedListed } from './observation-feed.js';
import type { WriteBehind } from './write-behind.js';

const STABLE_MS = 60_000;
const flush = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };

function rig(over: Partial<InstanceEffects> = {}) {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  let n = 0;
  const effects: InstanceEffects = {
    renderContext: async () => ({ resource: { type: 'dummy', endpoint: 'e1' }, payload: { kind: 'none' } }),
    createResource: async (c) => ({ ref: { driver: 'dummy', endpoint: 'e1', id: `r-${c.instanceId}` }, addresses: { ip: `10.0.0.${++n}` }, running: true }),
    configure: async () => ({}),
    checkHealth: async () => [{ name: 'simulated', ok: true, detail: 'ok' }],
    destroyResource: async () => {},
    ...over,
  };
  const patches = new Map<string, InstancePatch>();
  const deleted: string[] = [];
  const events: Array<Omit<NewEvent, 'time' | 'infra'>> = [];
  const writer = {
    patch: (id: string, p: InstancePatch, snapshot?: () => unknown) => patches.set(id, { ...patches.get(id), ...p, ...(snapshot ? { snapshot: snapshot() } : {}) }),
    delete: (id: string) => deleted.push(id),
  } as unknown as WriteBehind;
  let ticks = 0;
  const gone = new RecentlyGone(clock);
  const log = silentLogger();
  const recorder = new InstanceRecorder({
    fleet: () => fleet, writer, clock, log, event: (e) => events.push(e), requestTick: () => { ticks++; },
    recentlyGone: gone, outageError: () => undefined, stableMs: STABLE_MS,
  });
  const machine = provideInstanceMachine(effects, { clock, rand: () => 0.5, checkDelayMs: 1000 });
  const fleet: Fleet = new Fleet({
    machine, clock, log, healthIntervalS: 10, implementationOf: () => undefined, nodeHash: () => 'h1',
    onSnapshot: (t, s) => recorder.onSnapshot(t, s),
  });
  const rec = (id: string, node = 'w'): InstanceRecord => ({
    id, infraId: 'i', node, implIndex: 0, driver: 'dummy', endpoint: 'e1', ref: null, state: 'pending', snapshot: null,
    machineVersion: MACHINE_VERSION, addresses: {}, attempts: 0, lastError: null, destroyReason: null, generation: 1,
    createdAt: clock.now(), updatedAt: clock.now(), readyAt: null,
  });
  return { clock, fleet, recorder, gone, patches, deleted, events, rec, ticks: () => ticks };
}

describe('fleet and recorder', () => {
  it('an instance comes up: each transition is an event, the row follows, plan is asked to look, the endpoint is remembered', async () => {
    const r = rig();
    r.fleet.track(r.rec('w-1'));
    await flush();
    expect(r.fleet.get('w-1')!.rec.state).toBe('ready');
    expect(r.events.map((e) => e.message)).toEqual(['pending → contextualising', 'contextualising → creating', 'creating → checking', 'checking → ready']);
    expect(r.patches.get('w-1')).toMatchObject({ state: 'ready', machineVersion: MACHINE_VERSION, ref: { id: 'r-w-1' }, addresses: { ip: '10.0.0.1' } });
    expect(r.patches.get('w-1')!.snapshot).toMatchObject({ value: { ready: 'idle' }, context: { instanceId: 'w-1' } });
    expect(r.ticks()).toBeGreaterThanOrEqual(1);
    expect(r.recorder.placements()).toEqual([{ resource: { type: 'dummy', endpoint: 'e1' }, endpoint: 'e1' }]);
    expect(r.fleet.get('w-1')!.specHash).toBe('h1');
  });

  it('addressesOf gives a node\'s ready instances, oldest first', async () => {
    const r = rig();
    r.fleet.track(r.rec('w-1'));
    r.clock.increment(10);
    r.fleet.track(r.rec('w-2'));
    r.fleet.track(r.rec('other-1', 'other'));
    await flush();
    expect(r.fleet.addressesOf('w')).toEqual([{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }]);
    expect(r.fleet.addressesOf('other')).toEqual([{ ip: '10.0.0.3' }]);
    expect(r.fleet.addressesOf('nobody')).toEqual([]);
  });

  it('failures in a row are counted per node on the simulated clock, and a stable while starts afresh', async () => {
    const r = rig({ createResource: async () => { throw new FatalError('REEF_DUMMY_FATAL', 'no capacity'); } });
    r.fleet.track(r.rec('w-1'));
    await flush();
    r.clock.increment(5_000);
    r.fleet.track(r.rec('w-2'));
    await flush();
    expect(r.recorder.failuresOf('w')).toEqual({ count: 2, lastAt: 1_005_000, lastError: 'REEF_DUMMY_FATAL: no capacity' });
    expect(r.events.filter((e) => e.to === 'failed').map((e) => e.message)).toEqual(['creating → failed: no capacity', 'creating → failed: no capacity']);
    r.clock.increment(STABLE_MS);
    r.fleet.track(r.rec('w-3'));
    await flush();
    expect(r.recorder.failuresOf('w')?.count).toBe(1);
    expect(r.recorder.failuresOf('other')).toBeUndefined();
  });

  it('a destroyed instance leaves the fleet once the cloud no longer lists it: row deleted, id kept out of the orphan sweep', async () => {
    const r = rig();
    r.fleet.track(r.rec('w-1'));
    await flush();
    const t = r.fleet.get('w-1')!;
    t.rec.destroyReason = 'scale-down';
    t.actor.send({ type: 'instance.destroy' });
    await flush();
    expect(t.rec.state).toBe('destroying');
    // the destroy call returned: plan is asked to look at the cloud now
    expect(t.confirming).toBe(true);
    const before = r.ticks();
    feedListed(r.fleet, { byInstance: new Map(), listed: new Set(['dummy|e1']), errors: [] }, r.clock.now());
    await flush();
    expect(r.fleet.get('w-1')).toBeUndefined();
    expect(r.fleet.size).toBe(0);
    expect(r.deleted).toEqual(['w-1']);
    expect(r.gone.has('w-1')).toBe(true);
    expect(r.events.at(-1)?.message).toBe('destroying → gone');
    expect(r.ticks()).toBeGreaterThan(before);
    r.clock.increment(60_001);
    r.gone.expire();
    expect(r.gone.has('w-1')).toBe(false);
  });
});
