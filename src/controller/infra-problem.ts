/**
 * A reconcile of a whole infra that fails (its store rows, its auth file, a driver that cannot load; not one
 * instance's or one endpoint's trouble): what people are told when the tick queue reports one (requeue.ts says
 * when), and how it shows in the runtime's status. Pure.
 */
import type { NewEvent } from '../state/store.js';
import type { NextRun } from './requeue.js';
import type { RuntimeStatus } from './status.js';

/** A reconcile of the whole infra that failed, while it lasts. */
export interface InfraProblem {
  code: string;
  message: string;
  since: number;
  terminal: boolean;
}

/** The `endpoint` under which a failed reconcile of the whole infra shows among the status's errors. */
export const RECONCILE = 'reconcile';

export interface ProblemNotice {
  /** the problem from now on (undefined once it cleared) */
  problem?: InfraProblem;
  level: 'info' | 'error';
  fields: Record<string, unknown>;
  message: string;
  event: Omit<NewEvent, 'time' | 'infra'>;
}

/** A new problem, or the end of one; `since` of a problem that goes on is kept. */
export function problemNotice(r: NonNullable<NextRun['report']>, prev: InfraProblem | undefined, now: number, recheckMs: number): ProblemNotice {
  if (r.kind === 'recovered') {
    const message = `reconciling again after ${r.after} failed attempt${r.after > 1 ? 's' : ''}`;
    return { level: 'info', fields: { failures: r.after }, message, event: { kind: 'infra.recovered', message } };
  }
  const terminal = r.kind === 'terminal';
  const retry = terminal ? `checked again every ${Math.round(recheckMs / 1000)} s` : 'retrying with backoff';
  return {
    problem: { code: r.error.code, message: r.error.message, since: prev?.since ?? now, terminal },
    level: 'error',
    fields: { err: r.error },
    message: `cannot reconcile: ${r.error.message} (${retry})`,
    event: { kind: 'infra.error', message: r.error.message, data: { code: r.error.code, terminal } },
  };
}

/** The status while a problem lasts: not converged, and the problem among the errors (once). */
export function withProblem(s: RuntimeStatus, p: InfraProblem): RuntimeStatus {
  return { ...s, converged: false, errors: [...s.errors.filter((e) => e.endpoint !== RECONCILE), { endpoint: RECONCILE, code: p.code, message: p.message }] };
}
