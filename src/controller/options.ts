import type { PlanLimits } from './plan.js';
import { DEFAULT_LIMITS } from './plan.js';
import { FULL_ACCESS, type HostAccess } from '../util/host-access.js';

export interface ControllerOptions {
  /** resync period while anything waits on a cloud (booting, destroying, not converged) */
  pollMs: number;
  /** resync period of a converged infra: drift detection */
  resyncMs: number;
  /** default seconds between health checks of a ready instance (health_check.interval overrides) */
  healthIntervalS: number;
  /** delay between health checks while an instance comes up */
  checkDelayMs: number;
  /** most calls in flight per cloud endpoint */
  concurrency: number;
  limits: PlanLimits;
  backoff: { baseMs: number; maxMs: number };
  /** backoff of an infra whose reconcile fails as a whole (store, auth file, driver); a terminal error is re-checked at maxMs */
  requeue: { baseMs: number; maxMs: number };
  /** jitter source (tests pass a fixed one) */
  rand: () => number;
  /** a node that went this long without an instance failing counts failures afresh */
  stableMs: number;
  /** lease time-to-live; renewed every third of it */
  leaseTtlMs: number;
  /** files and URLs descriptors may make this process read or fetch: a CLI user's all; reef serve's what the operator allowed */
  access: HostAccess;
}

export const DEFAULT_OPTIONS: ControllerOptions = {
  pollMs: 1000,
  resyncMs: 10_000,
  healthIntervalS: 10,
  checkDelayMs: 1000,
  concurrency: 16,
  limits: DEFAULT_LIMITS,
  backoff: { baseMs: 1000, maxMs: 60_000 },
  requeue: { baseMs: 1000, maxMs: 60_000 },
  rand: Math.random,
  stableMs: 60_000,
  // a killed replica's infras are taken over within this (plus one discovery round); `reef serve --lease-ttl`
  leaseTtlMs: 6_000,
  access: FULL_ACCESS,
};
