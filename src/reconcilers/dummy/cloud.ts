/**
 * The simulated cloud behind the dummy driver, and the out-of-band handles tests and chaos runs use on it
 * ("the cloud operator killed your VM", "someone left a reef-labelled VM behind").
 *
 * Creates and deletes made in the same tick share one transaction (a group commit: 10,000 creates cost
 * ~0.4 s, not ~1.5 s). Reads come from a RowCache kept exact for this connection's writes and reloaded
 * when another connection commits. Helpers take either the cloud id (`dummy-7`) or reef's instance id.
 */
import { isReefError } from '../errors.js';
import { CloudDb, cloudFilePath, type CloudRow, type NewRow } from './cloud-db.js';
import { toRecord, type DummyRecord } from './record.js';
import { RowCache } from './row-cache.js';

export type { CloudRow } from './cloud-db.js';
export type { DummyRecord } from './record.js';

/** A row to create: reef always knows its instance id. */
export type CreateRow = NewRow & { instance_id: string };
export type FailureDecision = (attempt: number) => 'transient' | 'fatal' | null;

export interface CreateCall {
  row: CreateRow;
  /** the attempt counter to bump; none when no failure is injected. */
  attemptKey?: string;
  decide: FailureDecision;
}

export type CreateOutcome =
  | { kind: 'existing'; row: CloudRow }
  | { kind: 'created'; row: CloudRow }
  | { kind: 'refused'; failure: 'transient' | 'fatal'; attempt: number };

export interface OpenCloudOptions {
  /** the time orphans are created at (default Date.now); pass a fake clock's now in tests. */
  now?: () => number;
}

export interface OrphanOptions {
  ipPrefix?: string;
  createdAt?: number;
  bootDelay?: number;
}

type Queued =
  | (CreateCall & { op: 'create'; resolve(o: CreateOutcome): void; reject(e: unknown): void })
  | { op: 'delete'; id: string; resolve(deleted: boolean): void; reject(e: unknown): void };

export class DummyCloud {
  private readonly store: CloudDb;
  private readonly now: () => number;
  private cache?: RowCache;
  private cacheVersion = -1;
  private queue: Queued[] = [];

  constructor(file: string, opts: OpenCloudOptions = {}) {
    this.store = new CloudDb(file);
    this.now = opts.now ?? Date.now;
    this.fresh(); // built now (cheap for a new cloud) and kept exact by our own writes from here on
  }

  get file(): string {
    return this.store.file;
  }

  /**
   * Idempotent create: the existing row for row.instance_id, else one attempt counted, then `decide`.
   * Committed before the promise settles, so the resource exists even if the caller dies right after.
   */
  create(call: CreateCall): Promise<CreateOutcome> {
    return new Promise((resolve, reject) => this.enqueue({ op: 'create', ...call, resolve, reject }));
  }

  /** Deletes by cloud id (group-committed like create); false when it was not there. */
  delete(id: string): Promise<boolean> {
    return new Promise((resolve, reject) => this.enqueue({ op: 'delete', id, resolve, reject }));
  }

  get(id: string): CloudRow | undefined {
    return this.fresh().get(id);
  }

  findByInstance(instanceId: string): CloudRow | undefined {
    return this.store.byInstance.get(instanceId);
  }

  rows(infraId?: string): CloudRow[] {
    return this.fresh().rows(infraId);
  }

  // ---- out-of-band handles (tests, chaos); rare, so they simply drop the cache ----

  kill(id: string, reason = 'killed out of band'): boolean {
    return this.changed(this.store.setPhase.run('failed', reason, id, id).changes);
  }

  stop(id: string, reason = 'stopped out of band'): boolean {
    return this.changed(this.store.setPhase.run('stopped', reason, id, id).changes);
  }

  markUnhealthy(id: string, unhealthy = true): boolean {
    return this.changed(this.store.setUnhealthy.run(unhealthy ? 1 : 0, id, id).changes);
  }

  /** Deletes a resource behind reef's back. */
  remove(id: string): boolean {
    return this.changed(this.store.deleteByEither.run(id, id).changes);
  }

  /** A reef-labelled, running resource reef never created. Node defaults to 'orphan', instance to `orphan-<id>`. */
  insertOrphan(labels: { infra: string; node?: string; instance?: string; specHash?: string }, opts: OrphanOptions = {}): DummyRecord {
    const insert = this.store.db.transaction(() =>
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
        spec_hash: labels.specHash ?? null,
        ipPrefix: opts.ipPrefix ?? '10.77',
      }),
    );
    const row = insert.immediate();
    this.cache = undefined;
    return toRecord(row);
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

  private changed(changes: number): boolean {
    this.cache = undefined;
    return changes > 0;
  }

  /** The cache, reloaded if another connection committed since it was built. */
  private fresh(): RowCache {
    const version = this.store.dataVersion.get()!;
    if (!this.cache || version !== this.cacheVersion) {
      this.cache = new RowCache(this.store.listAll.all());
      this.cacheVersion = version;
    }
    return this.cache;
  }

  private enqueue(call: Queued): void {
    this.queue.push(call);
    if (this.queue.length === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    let outcomes: Array<CreateOutcome | boolean | Error>;
    try {
      // IMMEDIATE: take the write lock up front, so two processes writing at once queue instead of deadlocking
      outcomes = this.store.db
        .transaction(() => batch.map((call) => (call.op === 'create' ? this.createOne(call) : this.deleteOne(call.id))))
        .immediate();
    } catch (e) {
      this.cache = undefined; // it saw writes that were rolled back
      for (const call of batch) call.reject(e);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const call = batch[i]!;
      if (outcome instanceof Error) call.reject(outcome);
      else if (call.op === 'delete') call.resolve(outcome as boolean);
      else call.resolve(outcome as CreateOutcome);
    });
  }

  private deleteOne(id: string): boolean {
    this.cache?.delete(id);
    return this.store.deleteById.run(id).changes > 0;
  }

  private createOne({ row, attemptKey, decide }: CreateCall): CreateOutcome | Error {
    const existing = this.store.byInstance.get(row.instance_id);
    if (existing) return { kind: 'existing', row: existing };
    if (attemptKey !== undefined) {
      const attempt = this.store.nextAttempt(attemptKey);
      const failure = decide(attempt);
      // returned, not thrown: a throw would roll back the attempt counter (and the whole batch)
      if (failure) return { kind: 'refused', failure, attempt };
    }
    try {
      const created = this.store.insert(row);
      this.cache?.put(created);
      return { kind: 'created', row: created };
    } catch (e) {
      // only our own errors (no free address) fail one call; SQLite's fail the batch
      if (isReefError(e)) return e;
      throw e;
    }
  }
}

/** Opens `<stateDir>/dummy-cloud/<endpoint>.db`, creating it when absent. Close it when done. */
export function openDummyCloud(stateDir: string, endpoint = 'default', opts: OpenCloudOptions = {}): DummyCloud {
  return new DummyCloud(cloudFilePath(stateDir, endpoint), opts);
}
