/**
 * The lease of one infra as this process holds it: the fence its writes carry, and how long it may act.
 * A lease is trusted locally only until (send time of the last successful renewal) + ttl × TRUST, a little
 * before the store lets anyone else take it; past that (a pause, a partition, a store that does not answer)
 * the process does not touch the clouds for this infra until a renewal succeeds with the same epoch.
 */
import type { Clock } from './clock.js';
import type { Fence } from '../state/store.js';

/** share of the TTL this side trusts: the rest absorbs clock skew and the renewal's own latency */
export const TRUST = 0.8;

export class HeldLease {
  private trustedUntil: number;
  private lost = false;

  constructor(readonly fence: Fence, sentAt: number, private readonly ttlMs: number, private readonly clock: Clock) {
    this.trustedUntil = sentAt + ttlMs * TRUST;
  }

  /** A renewal sent at `sentAt` came back: the same epoch extends trust; another epoch means it was lost. */
  renewed(epoch: number, sentAt: number): boolean {
    if (epoch !== this.fence.epoch) {
      this.lost = true;
      return false;
    }
    this.trustedUntil = Math.max(this.trustedUntil, sentAt + this.ttlMs * TRUST);
    return true;
  }

  markLost(): void {
    this.lost = true;
  }

  get isLost(): boolean {
    return this.lost;
  }

  /** May this process act on the infra's clouds now? */
  canAct(): boolean {
    return !this.lost && this.clock.now() < this.trustedUntil;
  }

  /** Past trust and not renewed: give the infra up (another replica may already have it). */
  expired(): boolean {
    return this.clock.now() >= this.trustedUntil + this.ttlMs * (1 - TRUST);
  }
}
