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

/**
 * A ready instance that stays ready with the same row fields (its periodic health check passed, or a resumed
 * machine re-armed its interval): nothing to write. The stored snapshot keeps the ready state it was written with,
 * which restores the same way (a resumed ready machine re-arms its check interval). At 10,000 ready instances
 * checked every 10 s, these were ~2,000 row writes a second in a converged replica: its steady-state load.
 */
export function isRoutineCheck(rec: Pick<InstanceRecord, 'state' | 'ref' | 'addresses' | 'lastError' | 'readyAt'>, p: Projection): boolean {
  return p.from === 'ready' && p.to === 'ready' && rec.lastError === null && p.fields.lastError === null && rec.readyAt === p.fields.readyAt
    && sameJson(rec.ref, p.fields.ref) && sameJson(rec.addresses, p.fields.addresses);
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
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
