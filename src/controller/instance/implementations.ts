/**
 * Everything time- or effect-dependent in the instance machine, injected: the effect runner makes the calls
 * (drivers, health checks) the machine's states name; guards and delays read the injected clock; jitter comes
 * from `rand`. The composition root does `instanceMachine.provide(makeInstanceImplementations(...))`.
 */
import { assign, type AnyActorRef } from 'xstate';
import type { CreateResult, Observation, Probe } from '../../reconcilers/driver.js';
import { asReefError } from '../../errors/index.js';
import type { Clock } from '../clock.js';
import { backoffMs } from '../backoff.js';
import type { ConfigureResult, EffectName, InstanceContext, InstanceEffects, RenderedInstance } from './types.js';
import { instanceMachine, type InstanceMachine } from './machine.js';
import { EffectRunner } from './effect-runner.js';

/** After a create, "not found" is not trusted for this long (eventually consistent clouds). */
export const CREATION_GRACE_MS = 60_000;

type AnyEvent = { type: string; error?: unknown; output?: unknown; observation?: Observation };

export interface ImplementationOptions {
  clock: Clock;
  rand?: () => number;
  backoff?: { baseMs?: number; maxMs?: number };
  /** delay between health checks while an instance is still coming up */
  checkDelayMs?: number;
  /**
   * True while the cloud endpoint the instance lives on does not answer. Its deadline does not run out then: a
   * replacement could not help, and the runtime extends the deadline by the outage when the endpoint is back.
   */
  heldUp?: (instanceId: string) => boolean;
  /** aborts every call in flight (the infra's runtime stopped: machines stopped with it make no more calls) */
  signal?: AbortSignal;
}

const observationOf = (e: AnyEvent) => e.observation;

export function makeInstanceImplementations(effects: InstanceEffects, opts: ImplementationOptions) {
  const { clock } = opts;
  const rand = opts.rand ?? Math.random;
  const now = () => clock.now();
  const errorOf = (e: AnyEvent) => asReefError(e.error);
  const heldUp = (c: InstanceContext) => opts.heldUp?.(c.instanceId) ?? false;
  const runner = new EffectRunner(effects, opts.signal);
  type CallArgs = { context: InstanceContext; self: AnyActorRef };

  return {
    guards: {
      canRetry: ({ context, event }: { context: InstanceContext; event: AnyEvent }) =>
        errorOf(event).transient && (now() < context.deadline || heldUp(context)),
      beforeDeadline: ({ context }: { context: InstanceContext }) => now() < context.deadline,
      pastDeadline: ({ context }: { context: InstanceContext }) => now() >= context.deadline && !heldUp(context),
      isRunning: ({ event }: { event: AnyEvent }) => {
        const o = observationOf(event);
        return Boolean(o?.exists && o.phase === 'running');
      },
      isDeadOrGone: ({ context, event }: { context: InstanceContext; event: AnyEvent }) => {
        const o = observationOf(event);
        if (!o) return false;
        if (o.exists) return o.phase === 'stopped' || o.phase === 'failed';
        // a fresh resource may not be visible yet: trust "absent" once it was seen, or after the grace period
        return Boolean(context.seenRunning) || now() - (context.createdRefAt ?? 0) >= CREATION_GRACE_MS;
      },
      isAbsent: ({ event }: { event: AnyEvent }) => observationOf(event)?.exists === false,
      allProbesOk: ({ event }: { event: AnyEvent }) => (event.output as Probe[]).every((p) => p.ok),
      unhealthyTooLong: ({ context }: { context: InstanceContext }) =>
        context.unhealthySince != null && now() - context.unhealthySince >= context.healthTimeoutMs,
    },
    actions: {
      startEffect: ({ context, self }: CallArgs, { effect }: { effect: EffectName }) => runner.start(self, effect, context),
      resumeEffect: ({ context, self }: CallArgs, { effect }: { effect: EffectName }) => runner.resume(self, effect, context),
      abandonEffect: ({ self }: CallArgs) => runner.abandon(self),
      storeRendered: assign({ rendered: ({ event }: { event: AnyEvent }) => event.output as RenderedInstance }),
      recordCreated: assign(({ event }: { event: AnyEvent }) => {
        const out = event.output as CreateResult;
        return { ref: out.ref, addresses: out.addresses ?? {}, createdRefAt: now(), lastError: null };
      }),
      recordCreatedRunning: assign(({ event }: { event: AnyEvent }) => {
        const out = event.output as CreateResult;
        return { ref: out.ref, addresses: out.addresses ?? {}, createdRefAt: now(), lastError: null, seenRunning: true };
      }),
      recordHostKey: assign({
        hostKey: ({ context, event }: { context: InstanceContext; event: AnyEvent }) =>
          (event.output as ConfigureResult | undefined)?.hostKey ?? context.hostKey ?? null,
      }),
      recordObservation: assign(({ context, event }: { context: InstanceContext; event: AnyEvent }) => {
        const o = observationOf(event);
        return { addresses: o?.exists ? o.addresses : context.addresses, seenRunning: true };
      }),
      recordError: assign({ lastError: ({ event }: { event: AnyEvent }) => errorOf(event).toJSON() }),
      recordProbes: assign({ lastProbes: ({ event }: { event: AnyEvent }) => event.output as Probe[] }),
      recordReady: assign({ readyAt: () => now(), unhealthySince: null, lastError: null }),
      recordUnhealthy: assign({
        unhealthySince: ({ context }: { context: InstanceContext }) => context.unhealthySince ?? now(),
        lastError: ({ context, event }: { context: InstanceContext; event: AnyEvent }) =>
          event.error !== undefined ? errorOf(event).toJSON() : probeError(context, event.output as Probe[]),
      }),
      recordTimeout: assign({
        lastError: ({ context }: { context: InstanceContext }) => ({
          code: 'REEF_INSTANCE_TIMEOUT',
          message: timeoutMessage(context),
          transient: false,
        }),
      }),
      recordVanished: assign({
        lastError: ({ event }: { event: AnyEvent }) => {
          const o = observationOf(event);
          const message = !o?.exists
            ? 'the resource disappeared from the cloud'
            : `the resource ${o.phase === 'failed' ? 'failed' : `is ${o.phase}`}${o.reason ? `: ${o.reason}` : ''}`;
          return { code: 'REEF_INSTANCE_LOST', message, transient: false };
        },
      }),
    },
    delays: {
      retryDelay: ({ context }: { context: InstanceContext }) => {
        const wait = Math.max(backoffMs(context.attempt, rand(), opts.backoff), context.lastError?.retryAfterMs ?? 0);
        return heldUp(context) ? wait : Math.min(wait, Math.max(0, context.deadline - now()) + 1);
      },
      checkDelay: () => opts.checkDelayMs ?? 1000,
      // ±20 % jitter: instances created or resumed together do not probe together for ever
      healthInterval: ({ context }: { context: InstanceContext }) => Math.round(context.healthIntervalMs * (0.8 + 0.4 * rand())),
      destroyRecheck: () => 30_000,
    },
  };
}

function probeError(context: InstanceContext, probes: Probe[] | undefined) {
  const failing = (probes ?? context.lastProbes ?? []).filter((p) => !p.ok).map((p) => p.detail);
  return { code: 'REEF_HEALTH_FAILED', message: failing.join('; ') || 'health check failed', transient: true };
}

function timeoutMessage(context: InstanceContext): string {
  const failing = (context.lastProbes ?? []).filter((p) => !p.ok).map((p) => p.detail);
  const why = failing.length ? failing.join('; ') : context.lastError?.message;
  return `not ready within the health_check timeout (${Math.round(context.healthTimeoutMs / 1000)} s)${why ? `: ${why}` : ''}`;
}

/** The instance machine with these effects and this clock. (The cast: xstate cannot relate the provided
 * implementations' structural types to the setup's placeholder types; names are checked by the tests.) */
export function provideInstanceMachine(effects: InstanceEffects, opts: ImplementationOptions): InstanceMachine {
  return instanceMachine.provide(makeInstanceImplementations(effects, opts) as never) as InstanceMachine;
}
