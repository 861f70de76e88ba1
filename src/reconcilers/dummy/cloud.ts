/**
 * The simulated cloud behind the dummy driver, and the out-of-band handles tests and chaos runs use on it
 * ("the cloud operator killed your VM", "someone left a reef-labelled VM behind").
 *
 * Helpers take either the cloud id (`dummy-7`) or reef's instance id, whichever the caller has.
 */
import type { ReefLabels } from '../driver.js';
import { CloudDb, cloudFilePath, type CloudRow, type NewRow } from './cloud-db.js';

export type { CloudRow } from './cloud-db.js';

/** What the cloud holds about one resource, in reef's words. */
export interface DummyRecord {
  id: string;
  labels: ReefLabels;
  ip: string;
  createdAt: number;
  bootDelay: number;
  dieAfter?: number;
  unhealthyAfter?: number;
  /** marked unhealthy (by `unhealthy: true` or out of band). */
  unhealthy: boolean;
  /** an out-of-band phase that overrides the time-derived one. */
  phaseOverride?: 'failed' | 'stopped';
  reason?: string;
  flavor?: string;
  image?: string;
}

export type CreateOutcome =
  | { kind: 'existing'; row: CloudRow }
  | { kind: 'created'; row: CloudRow }
  | { kind: 'refused'; failure: 'transient' | 'fatal'; attempt: number };

/** A row to create: reef always knows its instance id. */
export type CreateRow = NewRow & { instance_id: string };
export type FailureDecision = (attempt: number) => 'transient' | 'fatal' | null;

export interface OpenCloudOptions {
  /** the time orphans are created at (default Date.now); pass a fake clock's now in tests. */
  now?: () => number;
}

export interface OrphanOptions {
  ipPrefix?: string;
  createdAt?: number;
  bootDelay?: number;
}

export class DummyCloud {
  private readonly store: CloudDb;
  private readonly now: () => number;
  private readonly createTx;

  constructor(file: string, opts: OpenCloudOptions = {}) {
    this.store = new CloudDb(file);
    this.now = opts.now ?? Date.now;
    const tx = this.store.db.transaction(
      (row: CreateRow, key: string, decide: FailureDecision): CreateOutcome => {
        const existing = this.store.byInstance.get(row.instance_id);
        if (existing) return { kind: 'existing', row: existing };
        const attempt = this.store.nextAttempt(key);
        const failure = decide(attempt);
        // returned, not thrown: a throw would roll back the attempt counter with the rest
        if (failure) return { kind: 'refused', failure, attempt };
        return { kind: 'created', row: this.store.insert(row) };
      },
    );
    // IMMEDIATE: take the write lock up front so two processes creating at once queue instead of deadlocking
    this.createTx = tx.immediate.bind(tx);
  }

  get file(): string {
    return this.store.file;
  }

  /** Idempotent create: the existing row for row.instance_id, else one attempt counted under `key`, then `decide`. */
  create(row: CreateRow, key: string, decide: FailureDecision): CreateOutcome {
    return this.createTx(row, key, decide);
  }

  get(id: string): CloudRow | undefined {
    return this.store.byId.get(id);
  }

  findByInstance(instanceId: string): CloudRow | undefined {
    return this.store.byInstance.get(instanceId);
  }

  rows(infraId?: string): CloudRow[] {
    return infraId === undefined ? this.store.listAll.all() : this.store.listInfra.all(infraId);
  }

  /** Deletes by cloud id; false when it was not there. */
  delete(id: string): boolean {
    return this.store.deleteById.run(id).changes > 0;
  }

  // ---- out-of-band handles (tests, chaos) ----

  kill(id: string, reason = 'killed out of band'): boolean {
    return this.store.setPhase.run('failed', reason, id, id).changes > 0;
  }

  stop(id: string, reason = 'stopped out of band'): boolean {
    return this.store.setPhase.run('stopped', reason, id, id).changes > 0;
  }

  markUnhealthy(id: string, unhealthy = true): boolean {
    return this.store.setUnhealthy.run(unhealthy ? 1 : 0, id, id).changes > 0;
  }

  /** Deletes a resource behind reef's back. */
  remove(id: string): boolean {
    return this.store.deleteByEither.run(id, id).changes > 0;
  }

  /** A reef-labelled, running resource reef never created. Node defaults to 'orphan', instance to a fresh id. */
  insertOrphan(labels: { infra: string; node?: string; instance?: string }, opts: OrphanOptions = {}): DummyRecord {
    const tx = this.store.db.transaction(() =>
      this.store.insert({
        instance_id: labels.instance ?? ((cloudId) => `orphan-${cloudId}`),
        infra: labels.infra,
        node: labels.node ?? 'orphan',
        created_at: opts.createdAt ?? this.now(),
        boot_delay: opts.bootDelay ?? 0,
        die_after: null,
        unhealthy_after: null,
        unhealthy: 0,
        flavor: null,
        image: null,
        ipPrefix: opts.ipPrefix ?? '10.77',
      }),
    );
    return toRecord(tx.immediate());
  }

  count(infraId?: string): number {
    const row = infraId === undefined ? this.store.countAll.get() : this.store.countInfra.get(infraId);
    return row!.n;
  }

  all(infraId?: string): DummyRecord[] {
    return this.rows(infraId).map(toRecord);
  }

  close(): void {
    this.store.close();
  }
}

/** Opens `<stateDir>/dummy-cloud/<endpoint>.db`, creating it when absent. Close it when done. */
export function openDummyCloud(stateDir: string, endpoint = 'default', opts: OpenCloudOptions = {}): DummyCloud {
  return new DummyCloud(cloudFilePath(stateDir, endpoint), opts);
}

export function toRecord(r: CloudRow): DummyRecord {
  return {
    id: r.id,
    labels: { infra: r.infra, node: r.node, instance: r.instance_id },
    ip: r.ip,
    createdAt: r.created_at,
    bootDelay: r.boot_delay,
    dieAfter: r.die_after ?? undefined,
    unhealthyAfter: r.unhealthy_after ?? undefined,
    unhealthy: r.unhealthy === 1,
    phaseOverride: r.phase ?? undefined,
    reason: r.reason ?? undefined,
    flavor: r.flavor ?? undefined,
    image: r.image ?? undefined,
  };
}
