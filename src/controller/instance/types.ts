import type { Addresses, ContextPayload, CreateResult, Observation, Probe, ResourceRef } from '../../reconcilers/driver.js';
import type { ResourceSection } from '../../spec/types.js';
import type { InstanceError } from '../../state/store.js';

/** Machine context: plain JSON only (ids, refs, numbers), so persisted snapshots round-trip. */
export interface InstanceContext {
  instanceId: string;
  /** epoch ms by which the instance must be ready (creation) — node's health_check.timeout */
  deadline: number;
  healthTimeoutMs: number;
  healthIntervalMs: number;
  hasConfig: boolean;
  ref?: ResourceRef | null;
  /** epoch ms of a successful create, for the eventual-consistency grace period */
  createdRefAt?: number | null;
  addresses: Addresses;
  rendered?: RenderedInstance | null;
  attempt: number;
  lastError?: InstanceError | null;
  unhealthySince?: number | null;
  lastProbes?: Probe[] | null;
  readyAt?: number | null;
  /** fingerprint of the node definition the instance was created from (absent in snapshots of older reefs) */
  specHash?: string | null;
  /** the cloud has shown the resource running: from then on, its absence is trusted (no grace period) */
  seenRunning?: boolean;
  /** SSH host key fingerprint seen when the instance was first configured (trust on first use) */
  hostKey?: string | null;
}

export interface ConfigureResult {
  hostKey?: string;
}

export interface RenderedInstance {
  resource: ResourceSection;
  payload: ContextPayload;
}

export interface InstanceInput {
  instanceId: string;
  deadline: number;
  healthTimeoutMs: number;
  healthIntervalMs: number;
  hasConfig: boolean;
  /** set when an existing cloud resource is adopted: the machine starts at booting */
  ref?: ResourceRef | null;
  specHash?: string | null;
}

export type InstanceEvent =
  | { type: 'instance.observed'; observation: Observation }
  | { type: 'instance.destroy' }
  /** sent once after a restore from a snapshot: timers are not persisted, so waiting states re-arm */
  | { type: 'instance.resume' }
  /** its cloud endpoint did not answer for this long: the time does not count against the health_check timeout */
  | { type: 'instance.extend'; ms: number }
  /** a routine check of a ready instance failed (health-rounds.ts runs them outside the machine): probes or error */
  | { type: 'instance.check-failed'; output?: Probe[]; error?: unknown }
  /** the answer of the cloud call the machine's state made (effect-runner.ts) */
  | EffectEvent;

/** The effects a machine needs, injected by the composition root (fakes in tests). Each honours `signal`. */
export interface InstanceEffects {
  renderContext(c: InstanceContext, signal: AbortSignal): Promise<RenderedInstance>;
  createResource(c: InstanceContext, signal: AbortSignal): Promise<CreateResult>;
  /** returns the SSH host key fingerprint it trusted, if any, so the machine records it */
  configure(c: InstanceContext, signal: AbortSignal): Promise<ConfigureResult>;
  checkHealth(c: InstanceContext, signal: AbortSignal): Promise<Probe[]>;
  destroyResource(c: InstanceContext, signal: AbortSignal): Promise<void>;
}

/** A call an instance machine's state makes (effect-runner.ts). */
export type EffectName = keyof InstanceEffects;

/** What a finished call sends its machine: the same `output` / `error` fields as xstate's own done and error events. */
export type EffectEvent =
  | { type: 'effect.done'; effect: EffectName; output: unknown }
  | { type: 'effect.failed'; effect: EffectName; error: unknown };
