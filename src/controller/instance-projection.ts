/**
 * What a machine snapshot means for the instance's row, pure: the fields it sets, whether the state changed, the
 * transition's log line and event, and whether plan() must look again. The recorder (instance-recorder.ts)
 * applies it; tests use it without actors.
 */
import type { ResourceSection } from '../spec/types.js';
import type { InstanceError, InstanceRecord, InstanceState, NewEvent } from '../state/store.js';
import type { InstanceContext } from './instance/types.js';
import { isInProgress } from './plan.js';

/** the snapshot facts a projection reads: the machine's top state and its context */
export interface SnapshotFacts {
  state: InstanceState;
  context: Pick<InstanceContext, 'ref' | 'rendered' | 'addresses' | 'lastError' | 'readyAt'>;
}

export interface Projection {
  from: InstanceState;
  to: InstanceState;
  fields: Pick<InstanceRecord, 'ref' | 'addresses' | 'lastError' | 'readyAt'>;
  /** where the resource lives, once it has a ref and a rendered resource section */
  placement?: { key: string; resource: ResourceSection; endpoint: string };
}

/**
 * @param outageError while the endpoint the instance waits on does not answer, that is its last error (not each
 *   call's failure)
 */
export function project(rec: InstanceRecord, s: SnapshotFacts, outageError?: InstanceError): Projection {
  const ref = s.context.ref ?? null;
  const placement = ref && s.context.rendered
    ? { key: `${ref.driver}|${ref.endpoint}`, resource: s.context.rendered.resource, endpoint: ref.endpoint }
    : undefined;
  return {
    from: rec.state,
    to: s.state,
    fields: {
      ref,
      addresses: s.context.addresses,
      lastError: (s.state !== 'ready' && outageError) || (s.context.lastError ?? null),
      readyAt: s.context.readyAt ?? null,
    },
    placement,
  };
}

/** transitions plan() cares about */
const TICK_ON: ReadonlySet<InstanceState> = new Set(['booting', 'ready', 'failed', 'gone']);

export function planCaresAbout(from: InstanceState, to: InstanceState): boolean {
  return TICK_ON.has(to) || (from === 'destroying' && isInProgress(to));
}

/** The log line and event of a state change; a failure carries the error that caused it. */
export function transitionReport(rec: Pick<InstanceRecord, 'id' | 'node' | 'lastError'>, from: InstanceState, to: InstanceState): {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  message: string;
  event: Omit<NewEvent, 'time' | 'infra'>;
  error: InstanceError | null;
} {
  const error = to === 'failed' ? rec.lastError ?? null : null;
  const message = error ? `${from} → ${to}: ${error.message}` : `${from} → ${to}`;
  return {
    level: error ? 'warn' : 'info',
    fields: { node: rec.node, instance: rec.id, from, to, ...(error ? { reason: error.message } : {}) },
    message,
    event: { node: rec.node, instance: rec.id, kind: 'instance.transition', from, to, message, data: error ? { error } : undefined },
    error,
  };
}
