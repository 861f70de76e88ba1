/**
 * One instance's lifecycle. It only executes: plan() decides what the fleet needs. States and names only;
 * effects, time-dependent guards and delays are provided by makeInstanceImplementations().
 *
 *  pending → contextualising → creating → booting → configuring → checking → ready ⇄ unhealthy → failed
 *  (creating → configuring when the create itself saw the resource running)
 *  destroying → gone   (from anywhere, on instance.destroy)
 *
 * A state that makes a cloud call names it with runs(): the call starts on entry, is abandoned on exit, and its
 * answer comes back as effect.done / effect.failed (effect-runner.ts says why this is not xstate's invoke).
 */
import { assign, setup } from 'xstate';
import type { EffectName, InstanceContext, InstanceEvent, InstanceInput } from './types.js';

/**
 * Version of the persisted snapshot. 2: calls are no longer invoked child actors, so snapshots carry no children;
 * a version-1 snapshot restores as it is (xstate skips children whose actor no longer exists) and its call starts
 * again on instance.resume.
 */
export const MACHINE_VERSION = 2;
const RESTORABLE_VERSIONS: readonly number[] = [1, 2];

/** The snapshot a row's machine restores from, or undefined when it was written by a machine this one cannot read. */
export function restorableSnapshot(row: { snapshot?: unknown; machineVersion: number }): unknown {
  return row.snapshot && RESTORABLE_VERSIONS.includes(row.machineVersion) ? row.snapshot : undefined;
}

type Done = { target: string; guard?: 'createdRunning'; actions?: 'storeRendered' | 'recordCreated' | 'recordHostKey' | 'recordCreatedRunning' };
type On = Record<string, unknown>;

/**
 * A state that runs `effect` while it is active. instance.resume (sent once after a restore from a snapshot, which
 * carries no calls in flight) starts it again unless it is running.
 */
function runs<E extends EffectName, const O extends On>(effect: E, on: O) {
  return {
    entry: { type: 'startEffect' as const, params: { effect } },
    exit: 'abandonEffect' as const,
    on: { 'instance.resume': { actions: { type: 'resumeEffect' as const, params: { effect } } }, ...on },
  };
}

/** The retry pattern, written once: transient errors back off until the deadline, others fail the instance. */
// (the guard is one name, canRetry, because xstate's and([...]) does not type-check inside a reusable fragment)
function retried<E extends 'renderContext' | 'createResource' | 'configure'>(effect: E, onDone: Done | Done[]) {
  return {
    initial: 'trying' as const,
    entry: 'resetAttempt' as const,
    states: {
      trying: runs(effect, {
        'effect.done': onDone,
        'effect.failed': [
          { guard: 'canRetry' as const, target: 'backoff', actions: ['recordError', 'countAttempt'] as const },
          { target: '#instance.failed', actions: 'recordError' as const },
        ],
      }),
      backoff: {
        after: { retryDelay: 'trying' },
        on: { 'instance.resume': 'trying' },
      },
    },
  };
}

export const instanceMachine = setup({
  types: {
    context: {} as InstanceContext,
    events: {} as InstanceEvent,
    input: {} as InstanceInput,
  },
  guards: {
    /** transient error and the deadline not passed */
    canRetry: () => false,
    pastDeadline: () => false,
    isRunning: () => false,
    isDeadOrGone: () => false,
    isAbsent: () => false,
    allProbesOk: () => false,
    unhealthyTooLong: () => false,
    hasRef: ({ context }) => Boolean(context.ref),
    hasConfig: ({ context }) => context.hasConfig,
    /** the driver saw the resource running at the end of its create: nothing to wait for in booting */
    createdRunning: ({ event }) => Boolean((event as { output?: { running?: boolean } }).output?.running),
  },
  actions: {
    startEffect: (_, _params: { effect: EffectName }) => {},
    resumeEffect: (_, _params: { effect: EffectName }) => {},
    abandonEffect: () => {},
    resetAttempt: assign({ attempt: 0 }),
    extendDeadline: assign({
      deadline: ({ context, event }) => context.deadline + (event.type === 'instance.extend' ? event.ms : 0),
    }),
    countAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    recordError: () => {},
    storeRendered: () => {},
    recordCreated: () => {},
    recordCreatedRunning: () => {},
    recordHostKey: () => {},
    recordObservation: () => {},
    recordProbes: () => {},
    recordReady: () => {},
    recordUnhealthy: () => {},
    recordTimeout: () => {},
    recordVanished: () => {},
  },
  delays: {
    retryDelay: () => 1000,
    checkDelay: () => 1000,
    healthInterval: ({ context }) => context.healthIntervalMs,
    destroyRecheck: () => 30_000,
  },
}).createMachine({
  id: 'instance',
  context: ({ input }) => ({
    instanceId: input.instanceId,
    deadline: input.deadline,
    healthTimeoutMs: input.healthTimeoutMs,
    healthIntervalMs: input.healthIntervalMs,
    hasConfig: input.hasConfig,
    ref: input.ref ?? null,
    createdRefAt: null,
    addresses: {},
    rendered: null,
    attempt: 0,
    lastError: null,
    unhealthySince: null,
    lastProbes: null,
    readyAt: null,
    specHash: input.specHash ?? null,
  }),
  initial: 'pending',
  on: {
    'instance.destroy': '.destroying',
    'instance.extend': { actions: 'extendDeadline' },
  },
  states: {
    pending: {
      always: [{ guard: 'hasRef', target: 'booting' }, { target: 'contextualising' }],
    },
    contextualising: retried('renderContext', { target: '#instance.creating', actions: 'storeRendered' }),
    creating: retried('createResource', [
      { guard: 'createdRunning', target: '#instance.configuring', actions: 'recordCreatedRunning' },
      { target: '#instance.booting', actions: 'recordCreated' },
    ]),
    booting: {
      on: {
        'instance.observed': [
          { guard: 'isRunning', target: 'configuring', actions: 'recordObservation' },
          { guard: 'isDeadOrGone', target: 'failed', actions: 'recordVanished' },
          { guard: 'pastDeadline', target: 'failed', actions: 'recordTimeout' },
        ],
      },
    },
    configuring: configuringState(),
    checking: {
      initial: 'probing',
      states: {
        probing: runs('checkHealth', {
          'effect.done': [
            { guard: 'allProbesOk', target: '#instance.ready', actions: 'recordProbes' },
            { guard: 'pastDeadline', target: '#instance.failed', actions: ['recordProbes', 'recordTimeout'] },
            { target: 'waiting', actions: 'recordProbes' },
          ],
          'effect.failed': [
            { guard: 'pastDeadline', target: '#instance.failed', actions: ['recordError'] },
            { target: 'waiting', actions: 'recordError' },
          ],
        }),
        waiting: {
          after: { checkDelay: 'probing' },
          on: { 'instance.resume': 'probing' },
        },
      },
      on: {
        'instance.observed': { guard: 'isDeadOrGone', target: 'failed', actions: 'recordVanished' },
      },
    },
    ready: {
      entry: 'recordReady',
      initial: 'idle',
      states: {
        // routine checks run outside the machine (health-rounds.ts): one that passes costs no transition
        idle: {},
        // only snapshots of an older reef, written mid-check, are in here
        probing: runs('checkHealth', {
          'effect.done': [
            { guard: 'allProbesOk', target: 'idle', actions: 'recordProbes' },
            { target: '#instance.unhealthy', actions: ['recordProbes', 'recordUnhealthy'] },
          ],
          'effect.failed': { target: '#instance.unhealthy', actions: ['recordError', 'recordUnhealthy'] },
        }),
      },
      on: {
        'instance.observed': { guard: 'isDeadOrGone', target: 'failed', actions: 'recordVanished' },
        'instance.check-failed': [
          { guard: ({ event }) => event.error !== undefined, target: 'unhealthy', actions: ['recordError', 'recordUnhealthy'] },
          { target: 'unhealthy', actions: ['recordProbes', 'recordUnhealthy'] },
        ],
      },
    },
    unhealthy: {
      initial: 'waiting',
      states: {
        waiting: {
          always: { guard: 'unhealthyTooLong', target: '#instance.failed', actions: 'recordTimeout' },
          after: { healthInterval: 'probing' },
          on: { 'instance.resume': 'probing' },
        },
        probing: runs('checkHealth', {
          'effect.done': [
            { guard: 'allProbesOk', target: '#instance.ready', actions: 'recordProbes' },
            { target: 'waiting', actions: 'recordProbes' },
          ],
          'effect.failed': { target: 'waiting', actions: 'recordError' },
        }),
      },
      on: {
        'instance.observed': { guard: 'isDeadOrGone', target: 'failed', actions: 'recordVanished' },
      },
    },
    failed: {},
    destroying: {
      initial: 'deciding',
      entry: 'resetAttempt',
      states: {
        // (a state of its own so that nothing is called for an instance that never had a resource)
        deciding: {
          always: [{ guard: 'hasRef', target: 'deleting' }, { target: '#instance.gone' }],
        },
        deleting: runs('destroyResource', {
          'effect.done': 'confirming',
          // a destroy that fails is retried forever with capped backoff: giving up would leak the resource
          'effect.failed': { target: 'backoff', actions: ['recordError', 'countAttempt'] },
        }),
        backoff: {
          after: { retryDelay: 'deleting' },
          on: { 'instance.resume': 'deleting' },
        },
        confirming: {
          on: {
            'instance.observed': { guard: 'isAbsent', target: '#instance.gone' },
            'instance.resume': 'deleting',
          },
          after: { destroyRecheck: 'deleting' },
        },
      },
      on: { 'instance.destroy': {} },
    },
    gone: { type: 'final' },
  },
});

export type InstanceMachine = typeof instanceMachine;

/** configuring: nothing to call (and no state that would start a call) when the node has no config_management. */
function configuringState() {
  const { states, ...rest } = retried('configure', { target: '#instance.checking', actions: 'recordHostKey' });
  return {
    ...rest,
    initial: 'deciding' as const,
    states: {
      deciding: {
        always: [{ guard: 'hasConfig' as const, target: 'trying' }, { target: '#instance.checking' }],
      },
      ...states,
    },
  };
}
