/**
 * Keeps the leases a controller holds: every ttl/3 it renews all of them in one store write (one round trip
 * for a replica holding dozens of infras, on PostgreSQL a connection of its own), and tells the controller of
 * each lease that is gone (taken over or released) or could not be renewed within its time. A lease that is
 * merely late is kept: HeldLease stops acting on its infra's clouds past its trusted time meanwhile.
 */
import type { Store } from '../state/store.js';
import type { Logger } from '../util/log.js';
import type { Clock } from './clock.js';
import type { HeldLease } from './held-lease.js';

export type LeaseEnd =
  /** the store answered that another holder has it now (or it was released) */
  | { kind: 'lost' }
  /** renewals kept failing until past the lease's time: another replica may hold it now */
  | { kind: 'expired'; err: unknown };

interface Kept {
  lease: HeldLease;
  log: Logger;
  ended(end: LeaseEnd): void;
  /** after each successful renewal (the controller lets go of an infra destroyed meanwhile) */
  renewed(): void;
}

export class LeaseKeeper {
  private readonly kept = new Map<string, Kept>();
  private timer: unknown;
  private renewing = false;

  constructor(private readonly deps: { store: Store; holder: string; ttlMs: number; clock: Clock; log: Logger }) {}

  keep(infraId: string, k: Kept): void {
    this.kept.set(infraId, k);
    this.schedule();
  }

  /** Stops renewing the infra's lease (it is released or given up by the caller). */
  forget(infraId: string, lease: HeldLease): void {
    if (this.kept.get(infraId)?.lease === lease) this.kept.delete(infraId);
    if (this.kept.size === 0 && this.timer !== undefined) {
      this.deps.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private schedule(): void {
    if (this.timer !== undefined || this.renewing || this.kept.size === 0) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.renewAll();
    }, this.deps.ttlMs / 3);
  }

  private async renewAll(): Promise<void> {
    const round = [...this.kept];
    const sentAt = this.deps.clock.now();
    this.renewing = true;
    try {
      let epochs: Map<string, number>;
      try {
        epochs = await this.deps.store.renewLeases(this.deps.holder, round.map(([id]) => id), this.deps.ttlMs, sentAt);
      } catch (err) {
        // the store did not answer (restart, fail-over): keep each lease while it may still be ours
        const expired = round.filter(([id, k]) => this.current(id, k) && k.lease.expired());
        for (const [id, k] of expired) {
          this.kept.delete(id);
          k.log.warn({ err }, `could not renew the lease of ${id} within its time; giving it up`);
          k.ended({ kind: 'expired', err });
        }
        if (round.length > expired.length) this.deps.log.warn({ err }, `could not renew ${round.length - expired.length} leases; retrying`);
        return;
      }
      for (const [id, k] of round) {
        if (!this.current(id, k)) continue;
        const epoch = epochs.get(id);
        if (epoch === undefined || !k.lease.renewed(epoch, sentAt)) {
          this.kept.delete(id);
          k.lease.markLost();
          k.log.warn(`lost the lease of ${id} to another controller (epoch ${k.lease.fence.epoch} is over); stopping here`);
          k.ended({ kind: 'lost' });
        } else {
          k.renewed();
        }
      }
    } finally {
      this.renewing = false;
      this.schedule();
    }
  }

  /** still kept, as it was when the round began (not forgotten, not replaced by a newer lease meanwhile) */
  private current(id: string, k: Kept): boolean {
    return this.kept.get(id) === k;
  }
}
