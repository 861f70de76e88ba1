/**
 * The embedded Store: one better-sqlite3 connection per instance (several may share a file, also across
 * processes; WAL + busy_timeout serialise the writers). better-sqlite3 is synchronous, so every method does its
 * work before its promise settles. Multi-statement writes run in IMMEDIATE transactions: the write lock is taken
 * up front, so a transaction never has to upgrade a read lock (which SQLite answers with SQLITE_BUSY at once).
 */
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { FatalError, TransientError } from '../../errors/index.js';
import type { Logger } from '../../util/log.js';
import type { Implementation, InfraSpec } from '../../spec/types.js';
import type {
  EventRecord, Fence, InfraListing, InfraRecord, InfraStatus, InstancePatch, InstanceRecord, Lease, LeaseAuditRecord, NewEvent, WriteBatch,
  NodeRecord, PutInfraResult, ReplicaRecord, ScaleVictim, Store, StoreHealth,
} from '../store.js';
import { leaseLost } from '../fenced.js';
import { auditFromRow, fenceProblem, leaseDecision, type AuditRow, type LeaseRow } from '../lease-rules.js';
import { sqliteCode, stateError } from './errors.js';
import { fileProblem, identityOf, type FileIdentity, type StoreProblem } from './file-watch.js';
import { InstancePatcher } from './instance-patch.js';
import { followSpec } from './node-rows.js';
import { openDatabase, type OpenOptions } from './open.js';
import {
  eventFromRow, eventToRow, infraFromRow, infraListingFromRow, instanceFromRow, instanceToRow, nodeFromRow,
  type EventRow, type InfraRow, type InstanceRow, type NodeRow,
} from './rows.js';
import { specHash } from './spec-hash.js';

export const DEFAULT_EVENT_LIMIT = 1000;

export class SqliteStore implements Store {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly patcher: InstancePatcher;
  /** the file as opened: a deleted or replaced file is told apart by its inode */
  private readonly identity?: FileIdentity;
  /** what the last check found (logged once when it appears and once when it clears) */
  private problem?: StoreProblem;
  /** a write that failed because of the file (read-only, I/O): unhealthy until a write succeeds again */
  private lastWriteFailure?: StoreProblem;

  /** `db` is exposed for tests and diagnostics; write only through the Store methods. */
  constructor(readonly db: Database.Database, readonly path: string, private readonly log?: Logger) {
    this.patcher = new InstancePatcher(db);
    if (!db.readonly && !db.memory) this.identity = identityOf(path);
  }

  async health(): Promise<StoreHealth> {
    const problem = this.check();
    if (problem) return { ok: false, ...problem };
    if (this.lastWriteFailure) {
      // the last write failed on the file: healthy again only once a write goes through (a no-op update)
      try {
        this.write('health probe', () => this.sql('UPDATE lease_epochs SET value = value WHERE id = 1').run());
      } catch {
        return { ok: false, ...(this.lastWriteFailure ?? this.check() ?? { code: 'REEF_STATE_WRITE', message: 'the health probe write failed' }) };
      }
    }
    return { ok: true };
  }

  async putInfra(spec: InfraSpec, opts: { authPath?: string; now?: number } = {}): Promise<PutInfraResult> {
    const now = opts.now ?? Date.now();
    const hash = specHash(spec);
    const specJson = JSON.stringify(spec);
    return this.write(`apply of infra ${spec.id}`, () => this.immediate(() => {
      const old = this.sql('SELECT * FROM infras WHERE id = ?').get(spec.id) as InfraRow | undefined;
      const changed = old !== undefined && old.spec_hash !== hash;
      if (!old) {
        this.sql(`INSERT INTO infras (id, name, spec_json, spec_hash, generation, status, auth_path, created_at, updated_at)
                  VALUES (?, ?, ?, ?, 1, 'active', ?, ?, ?)`)
          .run(spec.id, spec.name, specJson, hash, opts.authPath ?? null, now, now);
      } else {
        const authPath = opts.authPath ?? old.auth_path;
        // re-applying a destroyed (or destroying) infra makes it wanted again.
        const touched = changed || authPath !== old.auth_path || old.status !== 'active' || old.name !== spec.name;
        this.sql(`UPDATE infras SET name = ?, spec_json = ?, spec_hash = ?, generation = ?, status = 'active',
                  auth_path = ?, updated_at = ? WHERE id = ?`)
          .run(spec.name, specJson, hash, old.generation + (changed ? 1 : 0), authPath,
            touched ? now : old.updated_at, spec.id);
      }
      const existing = this.sql('SELECT * FROM nodes WHERE infra_id = ?').all(spec.id) as NodeRow[];
      const { upsert, remove } = followSpec(spec.id, existing, spec.nodes, old !== undefined && old.status !== 'active');
      for (const name of remove) this.sql('DELETE FROM nodes WHERE infra_id = ? AND name = ?').run(spec.id, name);
      for (const row of upsert) {
        this.sql(`INSERT INTO nodes (infra_id, name, position, min, max, target, failed_reason)
                  VALUES (@infra_id, @name, @position, @min, @max, @target, @failed_reason)
                  ON CONFLICT (infra_id, name) DO UPDATE SET position = excluded.position, min = excluded.min,
                  max = excluded.max, target = excluded.target, failed_reason = excluded.failed_reason`).run(row);
      }
      const row = this.sql('SELECT * FROM infras WHERE id = ?').get(spec.id) as InfraRow;
      return { infra: infraFromRow(row), created: !old, changed: changed || !old };
    }));
  }

  async getInfra(id: string): Promise<InfraRecord | undefined> {
    const row = this.read(`read of infra ${id}`, () => this.sql('SELECT * FROM infras WHERE id = ?').get(id)) as InfraRow | undefined;
    return row && infraFromRow(row);
  }

  async listInfras(): Promise<InfraListing[]> {
    const rows = this.read('list of infras', () => this.sql('SELECT * FROM infras ORDER BY id').all()) as InfraRow[];
    return rows.map(infraListingFromRow);
  }

  async setInfraStatus(id: string, status: InfraStatus, now = Date.now(), fence?: Fence): Promise<void> {
    const changes = this.fenced(`status of infra ${id}`, fence, () =>
      this.sql('UPDATE infras SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id).changes);
    if (changes === 0) throw unknownInfra(id);
  }

  async deleteInfra(id: string): Promise<void> {
    this.write(`delete of infra ${id}`, () => this.immediate(() => {
      this.sql('DELETE FROM infras WHERE id = ?').run(id); // nodes and instances cascade
      this.sql('DELETE FROM leases WHERE infra_id = ?').run(id);
    }));
  }

  async getNodes(infraId: string): Promise<NodeRecord[]> {
    const rows = this.read(`read of nodes of ${infraId}`, () =>
      this.sql('SELECT * FROM nodes WHERE infra_id = ? ORDER BY position').all(infraId)) as NodeRow[];
    return rows.map(nodeFromRow);
  }

  async setTarget(infraId: string, node: string, target: number, victim?: ScaleVictim): Promise<NodeRecord> {
    return this.write(`scale of ${infraId}/${node}`, () => this.immediate(() => {
      const row = this.sql('SELECT * FROM nodes WHERE infra_id = ? AND name = ?').get(infraId, node) as NodeRow | undefined;
      if (!row) {
        if (!this.sql('SELECT 1 FROM infras WHERE id = ?').get(infraId)) throw unknownInfra(infraId);
        throw new FatalError('REEF_SCALE_UNKNOWN_NODE', `infra ${infraId} has no node '${node}'`);
      }
      if (!Number.isInteger(target) || target < row.min || target > row.max) {
        throw new FatalError('REEF_SCALE_OUT_OF_RANGE', `${node}: target ${target} is outside [${row.min}, ${row.max}]`);
      }
      this.sql('UPDATE nodes SET target = ?, failed_reason = NULL WHERE infra_id = ? AND name = ?').run(target, infraId, node);
      if (victim) {
        const marked = this.sql('UPDATE instances SET destroy_reason = ? WHERE id = ? AND infra_id = ? AND node = ?').run(victim.reason, victim.instanceId, infraId, node);
        if (marked.changes === 0) throw new FatalError('REEF_INSTANCE_UNKNOWN', `node ${node} has no instance ${victim.instanceId}`);
      }
      return nodeFromRow({ ...row, target, failed_reason: null });
    }));
  }

  /** A node the spec no longer has is ignored: the controller may still be winding it down. */
  async setNodeFailed(infraId: string, node: string, reason: string | null, fence?: Fence): Promise<void> {
    this.fenced(`failure of ${infraId}/${node}`, fence, () =>
      this.sql('UPDATE nodes SET failed_reason = ? WHERE infra_id = ? AND name = ?').run(reason, infraId, node));
  }

  async insertInstance(rec: InstanceRecord, fence?: Fence): Promise<void> {
    return this.insertInstances([rec], fence);
  }

  async insertInstances(recs: InstanceRecord[], fence?: Fence): Promise<void> {
    if (recs.length === 0) return;
    const insert = this.sql(`INSERT INTO instances (id, infra_id, node, impl_index, driver, endpoint, ref_json, state,
                snapshot_json, machine_version, addresses_json, attempts, last_error_json, destroy_reason, generation,
                created_at, updated_at, ready_at)
                VALUES (@id, @infra_id, @node, @impl_index, @driver, @endpoint, @ref_json, @state, @snapshot_json,
                @machine_version, @addresses_json, @attempts, @last_error_json, @destroy_reason, @generation,
                @created_at, @updated_at, @ready_at)`);
    this.fenced(`insert of ${recs.length} instances`, fence, () => {
      for (const rec of recs) insert.run(instanceToRow(rec));
    });
  }

  /** An update of an instance that is no longer stored is a no-op: a write-behind flush may trail its delete. */
  async updateInstance(id: string, patch: InstancePatch, fence?: Fence): Promise<void> {
    this.fenced(`update of instance ${id}`, fence, () => this.patcher.apply(id, patch));
  }

  async writeInstances(updates: Array<{ id: string; patch: InstancePatch }>, fence?: Fence): Promise<void> {
    if (updates.length === 0) return;
    this.fenced(`update of ${updates.length} instances`, fence, () => {
      for (const u of updates) this.patcher.apply(u.id, u.patch);
    });
  }

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const row = this.read(`read of instance ${id}`, () =>
      this.sql('SELECT * FROM instances WHERE id = ?').get(id)) as InstanceRow | undefined;
    return row && instanceFromRow(row);
  }

  async listInstances(infraId: string): Promise<InstanceRecord[]> {
    const rows = this.read(`list of instances of ${infraId}`, () =>
      this.sql('SELECT * FROM instances WHERE infra_id = ? ORDER BY created_at, id').all(infraId)) as InstanceRow[];
    return rows.map(instanceFromRow);
  }

  async writeBatch(batch: WriteBatch, fence?: Fence): Promise<void> {
    const deletions = batch.deletions ?? [];
    const events = batch.events ?? [];
    const gone = new Set(deletions);
    const patches = (batch.patches ?? []).filter((u) => !gone.has(u.id));
    if (patches.length === 0 && deletions.length === 0 && events.length === 0) return;
    this.fenced(`write of ${patches.length} instance updates, ${deletions.length} deletions, ${events.length} events`, fence, () => {
      for (const u of patches) this.patcher.apply(u.id, u.patch);
      const del = this.sql('DELETE FROM instances WHERE id = ?');
      for (const id of deletions) del.run(id);
      if (events.length) this.insertEvents(events);
    });
  }

  async deleteInstance(id: string, fence?: Fence): Promise<void> {
    this.fenced(`delete of instance ${id}`, fence, () => this.sql('DELETE FROM instances WHERE id = ?').run(id));
  }

  async appendEvents(events: NewEvent[], fence?: Fence): Promise<void> {
    if (events.length === 0) return;
    this.fenced(`append of ${events.length} events`, fence, () => this.insertEvents(events));
  }

  private insertEvents(events: NewEvent[]): void {
    const insert = this.sql(`INSERT INTO events (time, infra, node, instance, kind, from_state, to_state, message, data_json)
                             VALUES (@time, @infra, @node, @instance, @kind, @from_state, @to_state, @message, @data_json)`);
    for (const e of events) insert.run(eventToRow(e));
  }

  async listEvents(q: { infra?: string; afterSeq?: number; limit?: number }): Promise<EventRecord[]> {
    const after = q.afterSeq ?? 0;
    const limit = Math.max(0, Math.floor(q.limit ?? DEFAULT_EVENT_LIMIT));
    const rows = this.read('list of events', () =>
      q.infra === undefined
        ? this.sql('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit)
        : this.sql('SELECT * FROM events WHERE infra = ? AND seq > ? ORDER BY seq LIMIT ?').all(q.infra, after, limit),
    ) as EventRow[];
    return rows.map(eventFromRow);
  }

  async putNodeDefs(defs: Record<string, Implementation[]>, now = Date.now()): Promise<string[]> {
    const types = Object.keys(defs);
    this.write(`import of ${types.length} node definitions`, () => this.immediate(() => {
      for (const type of types) {
        this.sql(`INSERT INTO nodedefs (type, implementations_json, imported_at) VALUES (?, ?, ?)
                  ON CONFLICT (type) DO UPDATE SET implementations_json = excluded.implementations_json,
                  imported_at = excluded.imported_at`).run(type, JSON.stringify(defs[type]), now);
      }
    }));
    return types;
  }

  async getNodeDefs(): Promise<Record<string, Implementation[]>> {
    const rows = this.read('read of node definitions', () =>
      this.sql('SELECT type, implementations_json FROM nodedefs ORDER BY type').all()) as Array<{ type: string; implementations_json: string }>;
    return Object.fromEntries(rows.map((r) => [r.type, JSON.parse(r.implementations_json) as Implementation[]]));
  }

  async acquireLease(infraId: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    return (await this.takeLease(infraId, holder, ttlMs, now)) !== undefined;
  }

  async takeLease(infraId: string, holder: string, ttlMs: number, now: number): Promise<Fence | undefined> {
    return this.write(`lease of ${infraId}`, () => this.immediate(() => {
      const row = this.sql('SELECT holder, expires_at, epoch FROM leases WHERE infra_id = ?').get(infraId) as LeaseRow | undefined;
      const decision = leaseDecision(row, holder, now);
      if (decision === 'refuse') return undefined;
      const epoch = decision === 'renew' ? row!.epoch
        : (this.sql('UPDATE lease_epochs SET value = value + 1 WHERE id = 1 RETURNING value').get() as { value: number }).value;
      this.sql(`INSERT INTO leases (infra_id, holder, expires_at, epoch) VALUES (?, ?, ?, ?)
                ON CONFLICT (infra_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
                epoch = excluded.epoch`).run(infraId, holder, now + ttlMs, epoch);
      return { infraId, holder, epoch, expiresAt: now + ttlMs };
    }));
  }

  async renewLeases(holder: string, infraIds: string[], ttlMs: number, now: number): Promise<Map<string, number>> {
    const renewed = new Map<string, number>();
    if (infraIds.length === 0) return renewed;
    this.write(`renewal of ${infraIds.length} leases`, () => this.immediate(() => {
      const renew = this.sql('UPDATE leases SET expires_at = ? WHERE infra_id = ? AND holder = ? RETURNING epoch');
      for (const id of infraIds) {
        const row = renew.get(now + ttlMs, id, holder) as { epoch: number } | undefined;
        if (row) renewed.set(id, row.epoch);
      }
    }));
    return renewed;
  }

  async listLeases(): Promise<Array<Lease & { epoch: number }>> {
    const rows = this.read('list of leases', () =>
      this.sql('SELECT infra_id, holder, expires_at, epoch FROM leases ORDER BY infra_id').all()) as Array<LeaseRow & { infra_id: string }>;
    return rows.map((r) => ({ infraId: r.infra_id, holder: r.holder, expiresAt: r.expires_at, epoch: r.epoch }));
  }

  async listLeaseAudit(infraId?: string): Promise<LeaseAuditRecord[]> {
    const rows = this.read('read of the lease audit', () => (infraId === undefined
      ? this.sql('SELECT * FROM lease_audit ORDER BY infra_id, epoch, holder').all()
      : this.sql('SELECT * FROM lease_audit WHERE infra_id = ? ORDER BY epoch, holder').all(infraId))) as AuditRow[];
    return rows.map(auditFromRow);
  }

  async heartbeat(replica: string, ttlMs: number, now: number): Promise<void> {
    this.write(`heartbeat of ${replica}`, () =>
      this.sql(`INSERT INTO replicas (id, expires_at) VALUES (?, ?)
                ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`).run(replica, now + ttlMs));
  }

  async leaveReplicas(replica: string): Promise<void> {
    this.write(`leave of ${replica}`, () => this.sql('DELETE FROM replicas WHERE id = ?').run(replica));
  }

  async listReplicas(now: number): Promise<ReplicaRecord[]> {
    const rows = this.read('list of replicas', () =>
      this.sql('SELECT id, expires_at FROM replicas WHERE expires_at > ? ORDER BY id').all(now)) as Array<{ id: string; expires_at: number }>;
    return rows.map((r) => ({ id: r.id, expiresAt: r.expires_at }));
  }

  async releaseLease(infraId: string, holder: string): Promise<void> {
    this.write(`release of lease ${infraId}`, () =>
      this.sql('DELETE FROM leases WHERE infra_id = ? AND holder = ?').run(infraId, holder));
  }

  async getLease(infraId: string): Promise<Lease | undefined> {
    const row = this.read(`read of lease ${infraId}`, () =>
      this.sql('SELECT holder, expires_at FROM leases WHERE infra_id = ?').get(infraId)) as
      { holder: string; expires_at: number } | undefined;
    return row && { infraId, holder: row.holder, expiresAt: row.expires_at };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Prepared statements are cached by their text. */
  private sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  private immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** A write in one IMMEDIATE transaction; with a fence, only while that lease still holds (and audited). */
  private fenced<T>(what: string, fence: Fence | undefined, fn: () => T): T {
    return this.write(what, () => this.immediate(() => {
      if (fence) this.checkFence(fence);
      return fn();
    }));
  }

  private checkFence(fence: Fence): void {
    const row = this.sql('SELECT holder, expires_at, epoch FROM leases WHERE infra_id = ?').get(fence.infraId) as LeaseRow | undefined;
    const why = fenceProblem(row, fence);
    if (why) throw leaseLost(fence, why);
    const now = Date.now();
    this.sql(`INSERT INTO lease_audit (infra_id, epoch, holder, writes, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?)
              ON CONFLICT (infra_id, epoch, holder) DO UPDATE SET writes = writes + 1, last_at = excluded.last_at`)
      .run(fence.infraId, fence.epoch, fence.holder, now, now);
  }

  /**
   * Every write: refused before it starts if the file is gone or read-only, and not acknowledged if the file
   * turned out gone when it committed (the data went to a deleted inode).
   */
  private write<T>(what: string, fn: () => T): T {
    this.refuseIfUnwritable(what);
    let out: T;
    try {
      out = fn();
    } catch (e) {
      const err = stateError('REEF_STATE_WRITE', this.path, what, e);
      const code = sqliteCode(e);
      if (code && /^SQLITE_(READONLY|IOERR|FULL|CORRUPT|CANTOPEN)/.test(code)) {
        this.lastWriteFailure = { code: 'REEF_STATE_WRITE', message: err.message };
      }
      throw err;
    }
    this.refuseIfUnwritable(what);
    this.lastWriteFailure = undefined;
    return out;
  }

  private refuseIfUnwritable(what: string): void {
    const problem = this.check();
    if (problem) throw new TransientError(problem.code, `${what} refused: ${problem.message}`);
  }

  /** The file's state now; a change is logged (error when it appears, info when it clears). */
  private check(): StoreProblem | undefined {
    if (!this.identity) return undefined;
    // a store once gone stays gone: a new file at the path is not the one this process's state lives in
    const problem = this.problem?.code === 'REEF_STATE_GONE' ? this.problem : fileProblem(this.path, this.identity);
    if (problem && problem.code !== this.problem?.code) this.log?.error({ code: problem.code, store: this.path }, problem.message);
    if (!problem && this.problem) this.log?.info({ store: this.path }, `state store ${this.path} is writable again`);
    this.problem = problem;
    return problem;
  }

  private read<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw stateError('REEF_STATE_READ', this.path, what, e);
    }
  }
}

function unknownInfra(id: string): FatalError {
  return new FatalError('REEF_STATE_UNKNOWN_INFRA', `no infra with id '${id}'`);
}

export function openSqliteStore(path: string, opts: Pick<OpenOptions, 'readonly'> & { log?: Logger } = {}): SqliteStore {
  return new SqliteStore(openDatabase(path, opts), resolve(path), opts.log);
}
