/**
 * One instance's lifecycle. It only executes: plan() decides what the fleet needs. States and names only;
 * effects (actors), time-dependent guards and delays are provided by makeInstanceImplementations().
 *
 *  pending → contextualising → creating → booting → configuring → checking → ready ⇄ unhealthy → failed
 *  (creating → configuring when the create itself saw the resource running)
 *  destroying → gone   (from anywhere, on instance.destroy)
 */
import { assign, fromPromise, setup } from 'xstate';
import type { CreateResult, Probe } from '../../reconcilers/driver.js';
import type { ConfigureResult, InstanceContext, InstanceEvent, InstanceInput, RenderedInstance } from './types.js';

export const MACHINE_VERSION = 1;

type EffectInput = { context: InstanceContext };
const notProvided = (name: string) => () => Promise.reject(new Error(`instance actor ${name} not provided`));

type Done = { target: string; guard?: 'createdRunning'; actions?: 'storeRendered' | 'recordCreated' | 'recordHostKey' | 'recordCreatedRunning' };

/** The retry pattern, written once: transient errors back off until the deadline, others fail the instance. */
// (the guard is one name, canRetry, because xstate's and([...]) does not type-check inside a reusable fragment)
function retried<A extends 'renderContext' | 'createResource' | 'configure'>(
  actor: A,
  onDone: Done | Done[],
) {
  return {
    initial: 'trying' as const,
    entry: 'resetAttempt' as const,
    states: {
      trying: {
        invoke: {
          src: actor,
          input: ({ context }: { context: InstanceContext }) => ({ context }),
          onDone: onDone,
          onError: [
            { guard: 'canRetry' as const, target: 'backoff', actions: ['recordError', 'countAttempt'] as const },
            { target: '#instance.failed', actions: 'recordError' as const },
          ],
        },
      },
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
  actors: {
    renderContext: fromPromise<RenderedInstance, EffectInput>(notProvided('renderContext')),
    createResource: fromPromise<CreateResult, EffectInput>(notProvided('createResource')),
    configure: fromPromise<ConfigureResult, EffectInput>(notProvided('configure')),
    checkHealth: fromPromise<Probe[], EffectInput>(notProvided('checkHealth')),
    destroyResource: fromPromise<void, EffectInput>(notProvided('destroyResource')),
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
    createdRunning: ({ event }) => Boolean((event as { output?: CreateResult }).output?.running),
  },
  actions: {
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
    configuring: {
      always: { guard: ({ context }) => !context.hasConfig, target: 'checking' },
      ...retried('configure', { target: '#instance.checking', actions: 'recordHostKey' }),
    },
    checking: {
      initial: 'probing',
      states: {
        probing: {
          invoke: {
            src: 'checkHealth',
            input: ({ context }) => ({ context }),
            onDone: [
              { guard: 'allProbesOk', target: '#instance.ready', actions: 'recordProbes' },
              { guard: 'pastDeadline', target: '#instance.failed', actions: ['recordProbes', 'recordTimeout'] },
              { target: 'waiting', actions: 'recordProbes' },
            ],
            onError: [
              { guard: 'pastDeadline', target: '#instance.failed', actions: ['recordError'] },
              { target: 'waiting', actions: 'recordError' },
            ],
          },
        },
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
        probing: {
          invoke: {
            src: 'checkHealth',
            input: ({ context }) => ({ context }),
            onDone: [
              { guard: 'allProbesOk', target: 'idle', actions: 'recordProbes' },
              { target: '#instance.unhealthy', actions: ['recordProbes', 'recordUnhealthy'] },
            ],
            onError: { target: '#instance.unhealthy', actions: ['recordError', 'recordUnhealthy'] },
          },
        },
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
        probing: {
          invoke: {
            src: 'checkHealth',
            input: ({ context }) => ({ context }),
            onDone: [
              { guard: 'allProbesOk', target: '#instance.ready', actions: 'recordProbes' },
              { target: 'waiting', actions: 'recordProbes' },
            ],
            onError: { target: 'waiting', actions: 'recordError' },
          },
        },
      },
      on: {
        'instance.observed': { guard: 'isDeadOrGone', target: 'failed', actions: 'recordVanished' },
      },
    },
    failed: {},
    destroying: {
      initial: 'deleting',
      entry: 'resetAttempt',
      states: {
        deleting: {
          always: { guard: ({ context }) => !context.ref, target: '#instance.gone' },
          invoke: {
            src: 'destroyResource',
            input: ({ context }) => ({ context }),
            onDone: 'confirming',
            // a destroy that fails is retried forever with capped backoff: giving up would leak the resource
            onError: { target: 'backoff', actions: ['recordError', 'countAttempt'] },
          },
        },
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
