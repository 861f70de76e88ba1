/**
 * What one reconcile of an infra says about the next one, and the one switch that turns it into a delay
 * (controller-runtime's Result and its requeue switch). Pure: the tick queue owns the timer.
 *
 *   done      nothing waits on a cloud: come back at the resync period (drift detection)
 *   requeue   something is on its way (booting, destroying, not converged): come back after `afterMs`
 *   error     the reconcile itself failed and may succeed later: exponential backoff per infra, up to a cap
 *   terminal  it will fail the same way until something changes: reported once, then re-checked quietly at the
 *             cap (reef's inputs, an auth file on disk or a cloud endpoint, change without telling anyone)
 */
import { backoffMs } from './backoff.js';
import type { ReefError } from '../errors/index.js';

export type ReconcileResult =
  | { kind: 'done' }
  | { kind: 'requeue'; afterMs: number }
  | { kind: 'error'; error: ReefError }
  | { kind: 'terminal'; error: ReefError };

export interface RequeuePolicy {
  resyncMs: number;
  /** backoff of failed reconciles: base doubles per failure in a row, up to maxMs */
  backoff: { baseMs: number; maxMs: number };
}

/** Failures in a row of one infra, and what was last reported (so one problem is logged once, not every retry). */
export interface RetryState {
  failures: number;
  reported?: string;
}

export interface NextRun {
  delayMs: number;
  state: RetryState;
  /** what to tell people now: a new problem, or that the last one cleared; nothing while it repeats */
  report?: { kind: 'error' | 'terminal'; error: ReefError } | { kind: 'recovered'; after: number };
}

export const FRESH: RetryState = { failures: 0 };

export function nextRun(result: ReconcileResult, prev: RetryState, policy: RequeuePolicy, rand: number): NextRun {
  switch (result.kind) {
    case 'error':
    case 'terminal': {
      const failures = prev.failures + 1;
      const said = `${result.kind}|${result.error.code}|${result.error.message}`;
      const delayMs = result.kind === 'terminal'
        ? policy.backoff.maxMs
        : Math.max(backoffMs(failures, rand, policy.backoff), result.error.retryAfterMs ?? 0);
      return {
        delayMs,
        state: { failures, reported: said },
        ...(said !== prev.reported ? { report: { kind: result.kind, error: result.error } } : {}),
      };
    }
    case 'requeue':
    case 'done': {
      const delayMs = result.kind === 'done' ? policy.resyncMs : result.afterMs;
      return { delayMs, state: FRESH, ...(prev.failures > 0 ? { report: { kind: 'recovered', after: prev.failures } } : {}) };
    }
  }
}
