import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { provideInstanceMachine, CREATION_GRACE_MS } from './implementations.js';
import type { InstanceEffects, InstanceInput } from './types.js';
import { FatalError, TransientError } from '../../errors/index.js';
import type { Observation, Probe } from '../../reconcilers/driver.js';
import { topState } from './state-of.js';
import { MACHINE_VERSION, restorableSnapshot } from './machine.js';

const ref = { driver: 'dummy', endpoint: 'dummy:default', id: 'r-1' };
const running: Observation = { exists: true, ref, phase: 'running', addresses: { ip: '10.0.0.1' }, labels: { infra: 'i', node: 'n', instance: 'i-1' } };
const ok: Probe[] = [{ name: 'simulated', ok: true, detail: 'ok' }];
const bad: Probe[] = [{ name: 'port 80', ok: false, detail: 'port 80 on 10.0.0.1: connection refused' }];

function fakeEffects(over: Partial<InstanceEffects> = {}) {
  const calls = { create: 0, destroy: 0, check: 0 };
  const effects: InstanceEffects = {
    renderContext: async () => ({ resource: { type: 'dummy' }, payload: { kind: 'none' } }),
    createResource: async () => { calls.create++; return { ref }; },
    configure: async () => ({}),
    checkHealth: async () => { calls.check++; return ok; },
    destroyResource: async () => { calls.destroy++; },
    ...over,
  };
  return { effects, calls };
}

function start(effects: InstanceEffects, clock: SimulatedClock, input: Partial<InstanceInput> = {}, snapshot?: unknown, signal?: AbortSignal) {
  const machine = provideInstanceMachine(effects, { clock, rand: () => 0.5, checkDelayMs: 1000, signal });
  const actor = createActor(machine, {
    clock,
    input: { instanceId: 'i-1', deadline: clock.now() + 600_000, healthTimeoutMs: 600_000, healthIntervalMs: 10_000, hasConfig: false, ...input },
    ...(snapshot ? { snapshot: snapshot as never } : {}),
  });
  actor.start();
  return actor;
}

const flush = () => new Promise((r) => setImmediate(r));

describe('instance machine', () => {
  it('goes pending → … → ready when the resource runs and checks pass', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects();
    const actor = start(effects, clock);
    await flush();
    expect(topState(actor.getSnapshot())).toBe('booting');
    actor.send({ type: 'instance.observed', observation: running });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('ready');
    expect(actor.getSnapshot().context.addresses).toEqual({ ip: '10.0.0.1' });
  });

  it('skips booting when the create itself saw the resource running (no wait for a list or an event)', async () => {
    const clock = new SimulatedClock();
    const { effects, calls } = fakeEffects({ createResource: async () => ({ ref, addresses: { ip: '10.0.0.2' }, running: true }) });
    const actor = start(effects, clock);
    const states: string[] = [];
    actor.subscribe((s) => states.push(topState(s)));
    await flush();
    expect(topState(actor.getSnapshot())).toBe('ready');
    expect(states).not.toContain('booting');
    expect(actor.getSnapshot().context).toMatchObject({ ref, addresses: { ip: '10.0.0.2' }, seenRunning: true });
    expect(calls.check).toBe(1);
  });

  it('still waits in booting when the create did not see the resource running', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects({ createResource: async () => ({ ref, running: false }) });
    const actor = start(effects, clock);
    await flush();
    expect(topState(actor.getSnapshot())).toBe('booting');
  });

  it('retries two transient create errors with backoff, then succeeds (attempt = 2)', async () => {
    const clock = new SimulatedClock();
    let failures = 2;
    const { effects, calls } = fakeEffects({
      createResource: async () => {
        calls.create++;
        if (failures-- > 0) throw new TransientError('REEF_TEST_THROTTLED', 'slow down');
        return { ref };
      },
    });
    const actor = start(effects, clock);
    await flush();
    expect(actor.getSnapshot().value).toEqual({ creating: 'backoff' });
    expect(actor.getSnapshot().context.attempt).toBe(1);
    clock.increment(60_000);
    await flush();
    expect(actor.getSnapshot().context.attempt).toBe(2);
    clock.increment(60_000);
    await flush();
    expect(topState(actor.getSnapshot())).toBe('booting');
    expect(calls.create).toBe(3);
  });

  it('fails at once on a fatal error, keeping the cloud message', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects({ createResource: async () => { throw new FatalError('REEF_DUMMY_FATAL', 'no such image'); } });
    const actor = start(effects, clock);
    await flush();
    expect(topState(actor.getSnapshot())).toBe('failed');
    expect(actor.getSnapshot().context.lastError).toEqual({ code: 'REEF_DUMMY_FATAL', message: 'no such image', transient: false });
  });

  it('stops retrying transient errors at the deadline', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects({ createResource: async () => { throw new TransientError('REEF_X', 'down'); } });
    const actor = start(effects, clock, { deadline: clock.now() + 5_000 });
    for (let i = 0; i < 10; i++) { clock.increment(2_000); await flush(); }
    expect(topState(actor.getSnapshot())).toBe('failed');
  });

  it('ignores "absent" during the creation grace period, fails after it', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects();
    const actor = start(effects, clock);
    await flush();
    const absent: Observation = { exists: false, ref };
    actor.send({ type: 'instance.observed', observation: absent });
    expect(topState(actor.getSnapshot())).toBe('booting');
    clock.increment(CREATION_GRACE_MS);
    actor.send({ type: 'instance.observed', observation: absent });
    expect(topState(actor.getSnapshot())).toBe('failed');
    expect(actor.getSnapshot().context.lastError?.code).toBe('REEF_INSTANCE_LOST');
  });

  it('keeps checking until probes pass, fails with the probe detail at the deadline', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects({ checkHealth: async () => bad });
    const actor = start(effects, clock, { deadline: clock.now() + 3_500 });
    await flush();
    actor.send({ type: 'instance.observed', observation: running });
    for (let i = 0; i < 5; i++) { await flush(); clock.increment(1_000); }
    await flush();
    expect(topState(actor.getSnapshot())).toBe('failed');
    expect(actor.getSnapshot().context.lastError?.message).toContain('port 80 on 10.0.0.1: connection refused');
  });

  it('ready → unhealthy on a failed routine check → failed after the health timeout; recovers if checks pass again in time', async () => {
    const clock = new SimulatedClock();
    let probes = ok;
    const { effects, calls } = fakeEffects({ checkHealth: async () => probes });
    const actor = start(effects, clock, { healthTimeoutMs: 30_000 });
    await flush();
    actor.send({ type: 'instance.observed', observation: running });
    await flush();
    const checksToReady = calls.check;
    // routine checks of a ready instance run outside the machine (health-rounds.ts): no timer of its own
    clock.increment(60_000); await flush();
    expect(topState(actor.getSnapshot())).toBe('ready');
    expect(calls.check).toBe(checksToReady);
    actor.send({ type: 'instance.check-failed', output: bad });
    expect(topState(actor.getSnapshot())).toBe('unhealthy');
    expect(actor.getSnapshot().context.lastError?.message).toContain('connection refused');
    probes = ok;
    clock.increment(10_000); await flush();
    expect(topState(actor.getSnapshot())).toBe('ready');
    actor.send({ type: 'instance.check-failed', error: new TransientError('REEF_PROBE', 'probe timed out') });
    expect(topState(actor.getSnapshot())).toBe('unhealthy');
    expect(actor.getSnapshot().context.lastError?.message).toBe('probe timed out');
    probes = bad;
    for (let i = 0; i < 6; i++) { clock.increment(10_000); await flush(); }
    expect(topState(actor.getSnapshot())).toBe('failed');
  });

  it('a ready instance whose container died fails (to be replaced)', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects();
    const actor = start(effects, clock);
    await flush();
    actor.send({ type: 'instance.observed', observation: running });
    await flush();
    actor.send({ type: 'instance.observed', observation: { ...running, phase: 'stopped', reason: 'exited (137)' } });
    expect(topState(actor.getSnapshot())).toBe('failed');
    expect(actor.getSnapshot().context.lastError?.message).toBe('the resource is stopped: exited (137)');
  });

  it('destroying: destroy, then gone once the cloud says absent', async () => {
    const clock = new SimulatedClock();
    const { effects, calls } = fakeEffects();
    const actor = start(effects, clock);
    await flush();
    actor.send({ type: 'instance.destroy' });
    await flush();
    expect(calls.destroy).toBe(1);
    expect(topState(actor.getSnapshot())).toBe('destroying');
    actor.send({ type: 'instance.observed', observation: { exists: false, ref } });
    expect(topState(actor.getSnapshot())).toBe('gone');
  });

  it('destroy before any resource exists ends at once', async () => {
    const clock = new SimulatedClock();
    const { effects, calls } = fakeEffects({ renderContext: () => new Promise(() => {}) });
    const actor = start(effects, clock);
    actor.send({ type: 'instance.destroy' });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('gone');
    expect(calls.destroy).toBe(0);
  });

  it('restored from a snapshot taken in creating, calls create again with the same instance id', async () => {
    const clock = new SimulatedClock();
    const seen: string[] = [];
    const hang = fakeEffects({ createResource: (c) => { seen.push(c.instanceId); return new Promise(() => {}); } });
    const first = start(hang.effects, clock);
    await flush();
    expect(first.getSnapshot().value).toEqual({ creating: 'trying' });
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();

    const resumed = fakeEffects({ createResource: async (c) => { seen.push(c.instanceId); return { ref }; } });
    const second = start(resumed.effects, clock, {}, persisted);
    second.send({ type: 'instance.resume' }); // as the fleet does after every restore
    await flush();
    expect(seen).toEqual(['i-1', 'i-1']);
    expect(topState(second.getSnapshot())).toBe('booting');
    expect(second.getSnapshot().context.ref).toEqual(ref);
  });

  it('restored in a backoff state re-arms on instance.resume', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects({ createResource: async () => { throw new TransientError('REEF_X', 'down'); } });
    const first = start(effects, clock);
    await flush();
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();
    const ok2 = fakeEffects();
    const second = start(ok2.effects, clock, {}, persisted);
    second.send({ type: 'instance.resume' });
    await flush();
    expect(topState(second.getSnapshot())).toBe('booting');
  });
});

describe('instance machine: absence after being seen', () => {
  it('a ready instance that vanishes within the grace period fails at once (it was seen running)', async () => {
    const clock = new SimulatedClock();
    const { effects } = fakeEffects();
    const actor = start(effects, clock);
    await flush();
    actor.send({ type: 'instance.observed', observation: running });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('ready');
    actor.send({ type: 'instance.observed', observation: { exists: false, ref } });
    expect(topState(actor.getSnapshot())).toBe('failed');
  });
});

describe('instance machine: the calls its states make', () => {
  /** a create that waits to be answered, recording the signal it was given */
  function pendingCreate() {
    const signals: AbortSignal[] = [];
    const answers: Array<(r: { ref: typeof ref }) => void> = [];
    const fx = fakeEffects({
      createResource: (_c, signal) => { signals.push(signal); return new Promise((resolve) => answers.push(resolve)); },
    });
    return { ...fx, signals, answers };
  }

  it('leaving a state aborts its call and drops a late answer', async () => {
    const clock = new SimulatedClock();
    const { effects, signals, answers, calls } = pendingCreate();
    const actor = start(effects, clock);
    await flush();
    expect(actor.getSnapshot().value).toEqual({ creating: 'trying' });
    actor.send({ type: 'instance.destroy' });
    expect(signals[0]!.aborted).toBe(true);
    expect(topState(actor.getSnapshot())).toBe('gone'); // no ref yet: nothing to destroy
    answers[0]!({ ref });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('gone');
    expect(calls.destroy).toBe(0);
  });

  it('instance.resume while a call is in flight does not make a second one', async () => {
    const clock = new SimulatedClock();
    const { effects, signals, answers } = pendingCreate();
    const actor = start(effects, clock);
    await flush();
    actor.send({ type: 'instance.resume' });
    await flush();
    expect(signals).toHaveLength(1);
    answers[0]!({ ref });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('booting');
  });

  it("the runtime's signal aborts the calls in flight and no answer moves the machine afterwards", async () => {
    const clock = new SimulatedClock();
    const stop = new AbortController();
    const { effects, signals, answers } = pendingCreate();
    const actor = start(effects, clock, {}, undefined, stop.signal);
    await flush();
    stop.abort();
    expect(signals[0]!.aborted).toBe(true);
    answers[0]!({ ref });
    await flush();
    expect(actor.getSnapshot().value).toEqual({ creating: 'trying' });
  });

  it('a call that throws instead of rejecting is a failed call, retried like any other', async () => {
    const clock = new SimulatedClock();
    let n = 0;
    const { effects } = fakeEffects({
      createResource: () => { if (n++ === 0) throw new TransientError('REEF_X', 'sync throw'); return Promise.resolve({ ref }); },
    });
    const actor = start(effects, clock);
    await flush();
    expect(actor.getSnapshot().value).toEqual({ creating: 'backoff' });
    clock.increment(60_000);
    await flush();
    expect(topState(actor.getSnapshot())).toBe('booting');
  });

  it('a node without config_management makes no configure call', async () => {
    const clock = new SimulatedClock();
    let configured = 0;
    const { effects } = fakeEffects({ configure: async () => { configured++; return {}; } });
    const actor = start(effects, clock, { hasConfig: false });
    await flush();
    actor.send({ type: 'instance.observed', observation: running });
    await flush();
    expect(topState(actor.getSnapshot())).toBe('ready');
    expect(configured).toBe(0);
  });

  it('restores a snapshot of machine version 1 (calls as invoked child actors) and makes its call on resume', async () => {
    const clock = new SimulatedClock();
    const hang = fakeEffects({ createResource: () => new Promise(() => {}) });
    const first = start(hang.effects, clock);
    await flush();
    const v2 = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();
    // what reef 0.1 persisted in creating: the same state and context, plus the invoked create as a child
    const v1 = {
      ...v2,
      children: {
        '0.instance.creating.trying': {
          snapshot: { status: 'active', output: undefined, error: undefined, input: { context: v2.context } },
          src: 'createResource', syncSnapshot: false,
        },
      },
    };
    expect(restorableSnapshot({ snapshot: v1, machineVersion: 1 })).toBe(v1);
    const { effects, calls } = fakeEffects();
    const second = start(effects, clock, {}, v1);
    second.send({ type: 'instance.resume' });
    await flush();
    expect(calls.create).toBe(1);
    expect(topState(second.getSnapshot())).toBe('booting');
  });

  it('a snapshot of an unknown machine version is not restored (the row starts afresh from its ref)', () => {
    expect(restorableSnapshot({ snapshot: { value: 'ready' }, machineVersion: MACHINE_VERSION + 1 })).toBeUndefined();
    expect(restorableSnapshot({ snapshot: null, machineVersion: MACHINE_VERSION })).toBeUndefined();
  });
});
