/**
 * The Store on PostgreSQL (node-postgres `pg`), for several `reef serve` replicas sharing one database. Same
 * schema versions and semantics as the SQLite store (one conformance suite runs against both). Multi-statement
 * writes run in one transaction on one pooled connection; a fenced write locks the lease row FOR SHARE, so a
 * take-over (which updates that row) waits for it and every later write of the old holder is refused.
 * Changes are announced with NOTIFY (channels reef_events, reef_desired); watch() LISTENs on its own connection.
 */
import pg from 'pg';
import { FatalError } from '../../errors/index.js';
import type { Implementation, InfraSpec } from '../../spec/types.js';
import type {
  EventRecord, Fence, InfraListing, InfraRecord, InfraStatus, InstancePatch, InstanceRecord, Lease, LeaseAuditRecord, NewEvent,
  NodeRecord, PutInfraResult, ReplicaRecord, ScaleVictim, Store, StoreChange, StoreHealth, WriteBatch,
} from '../store.js';
import { leaseLost } from '../fenced.js';
import { survivesCut } from './errors.js';
import { auditFromRow, fenceProblem, leaseDecision, type AuditRow, type LeaseRow } from '../lease-rules.js';
import { followSpec } from '../sqlite/node-rows.js';
import {
  eventFromRow, eventToRow, infraFromRow, infraListingFromRow, instanceFromRow, instanceToRow, nodeFromRow,
  type EventRow, type InfraRow, type InstanceRow, type NodeRow,
} from '../sqlite/rows.js';
import { specHash } from '../sqlite/spec-hash.js';
import { pgStateError } from './errors.js';
import { ChangeListener } from './listen.js';
import { addPatches, RECORD_TYPES } from './patch-columns.js';
import { OneStatement } from './one-statement.js';
import { columnsOf } from '../schema/columns.js';

export const DEFAULT_EVENT_LIMIT = 1000;
/** how long the health check waits for the database to answer */
export const HEALTH_TIMEOUT_MS = 3000;
/** rows per INSERT … unnest(): bounds one statement's parameter arrays */
const CHUNK = 5000;

type Q = pg.PoolClient | pg.Pool;

export class PostgresStore implements Store {
  private listener?: ChangeListener;
  private readonly ready: Promise<void>;

  /**
   * `where` is the redacted URL, for messages. `ready` is the schema migration: every query waits for it, so
   * the store can be handed out at once and a failed open surfaces (REEF_STATE_OPEN) at the first use.
   */
  /**
   * `leasePool` is a small pool of its own for lease renewals and heartbeats: behind the main pool's queue of
   * writes (thousands of instances deploying), a renewal could wait past its lease's time and lose it.
   */
  constructor(readonly pool: pg.Pool, readonly where: string, private readonly url: string, ready: Promise<void>, private readonly leasePool: pg.Pool = pool) {
    this.ready = ready;
    this.ready.catch(() => {}); // observed by whoever queries first
  }

  /** Resolves once the schema is up to date; rejects with the open error. */
  opened(): Promise<void> {
    return this.ready;
  }

  async putInfra(spec: InfraSpec, opts: { authPath?: string; now?: number } = {}): Promise<PutInfraResult> {
    const now = opts.now ?? Date.now();
    const hash = specHash(spec);
    const specJson = JSON.stringify(spec);
    return this.tx(`apply of infra ${spec.id}`, undefined, async (c) => {
      // the row lock serialises two applies of one id; a new id may race its twin into a unique violation
      const old = (await c.query<InfraRow>('SELECT * FROM infras WHERE id = $1 FOR UPDATE', [spec.id])).rows[0];
      const changed = old !== undefined && old.spec_hash !== hash;
      if (!old) {
        await c.query(`INSERT INTO infras (id, name, spec_json, spec_hash, generation, status, auth_path, created_at, updated_at)
                       VALUES ($1, $2, $3, $4, 1, 'active', $5, $6, $6)`, [spec.id, spec.name, specJson, hash, opts.authPath ?? null, now]);
      } else {
        const authPath = opts.authPath ?? old.auth_path;
        const touched = changed || authPath !== old.auth_path || old.status !== 'active' || old.name !== spec.name;
        await c.query(`UPDATE infras SET name = $1, spec_json = $2, spec_hash = $3, generation = $4, status = 'active',
                       auth_path = $5, updated_at = $6 WHERE id = $7`,
        [spec.name, specJson, hash, old.generation + (changed ? 1 : 0), authPath, touched ? now : old.updated_at, spec.id]);
      }
      const existing = (await c.query<NodeRow>('SELECT * FROM nodes WHERE infra_id = $1', [spec.id])).rows;
      const { upsert, remove } = followSpec(spec.id, existing, spec.nodes, old !== undefined && old.status !== 'active');
      if (remove.length) await c.query('DELETE FROM nodes WHERE infra_id = $1 AND name = ANY($2::text[])', [spec.id, remove]);
      for (const r of upsert) {
        await c.query(`INSERT INTO nodes (infra_id, name, position, min, max, target, failed_reason) VALUES ($1, $2, $3, $4, $5, $6, $7)
                       ON CONFLICT (infra_id, name) DO UPDATE SET position = excluded.position, min = excluded.min,
                       max = excluded.max, target = excluded.target, failed_reason = excluded.failed_reason`,
        [r.infra_id, r.name, r.position, r.min, r.max, r.target, r.failed_reason]);
      }
      await notify(c, 'reef_desired', spec.id);
      const row = (await c.query<InfraRow>('SELECT * FROM infras WHERE id = $1', [spec.id])).rows[0];
      return { infra: infraFromRow(row), created: !old, changed: changed || !old };
    });
  }

  async getInfra(id: string): Promise<InfraRecord | undefined> {
    const row = (await this.q<InfraRow>(`read of infra ${id}`, 'SELECT * FROM infras WHERE id = $1', [id]))[0];
    return row && infraFromRow(row);
  }

  async listInfras(): Promise<InfraListing[]> {
    return (await this.q<InfraRow>('list of infras', 'SELECT * FROM infras ORDER BY id')).map(infraListingFromRow);
  }

  async setInfraStatus(id: string, status: InfraStatus, now = Date.now(), fence?: Fence): Promise<void> {
    const changes = await this.tx(`status of infra ${id}`, fence, async (c) => {
      if (!fence) await notify(c, 'reef_desired', id);
      return (await c.query('UPDATE infras SET status = $1, updated_at = $2 WHERE id = $3', [status, now, id])).rowCount;
    });
    if (changes === 0) throw unknownInfra(id);
  }

  async deleteInfra(id: string): Promise<void> {
    await this.tx(`delete of infra ${id}`, undefined, async (c) => {
      await c.query('DELETE FROM infras WHERE id = $1', [id]);
      await c.query('DELETE FROM leases WHERE infra_id = $1', [id]);
      await notify(c, 'reef_desired', id);
    });
  }

  async getNodes(infraId: string): Promise<NodeRecord[]> {
    return (await this.q<NodeRow>(`read of nodes of ${infraId}`, 'SELECT * FROM nodes WHERE infra_id = $1 ORDER BY position', [infraId])).map(nodeFromRow);
  }

  async setTarget(infraId: string, node: string, target: number, victim?: ScaleVictim): Promise<NodeRecord> {
    return this.tx(`scale of ${infraId}/${node}`, undefined, async (c) => {
      const row = (await c.query<NodeRow>('SELECT * FROM nodes WHERE infra_id = $1 AND name = $2 FOR UPDATE', [infraId, node])).rows[0];
      if (!row) {
        if ((await c.query('SELECT 1 FROM infras WHERE id = $1', [infraId])).rowCount === 0) throw unknownInfra(infraId);
        throw new FatalError('REEF_SCALE_UNKNOWN_NODE', `infra ${infraId} has no node '${node}'`);
      }
      if (!Number.isInteger(target) || target < row.min || target > row.max) {
        throw new FatalError('REEF_SCALE_OUT_OF_RANGE', `${node}: target ${target} is outside [${row.min}, ${row.max}]`);
      }
      await c.query('UPDATE nodes SET target = $1, failed_reason = NULL WHERE infra_id = $2 AND name = $3', [target, infraId, node]);
      if (victim) {
        const marked = await c.query('UPDATE instances SET destroy_reason = $1 WHERE id = $2 AND infra_id = $3 AND node = $4', [victim.reason, victim.instanceId, infraId, node]);
        if (marked.rowCount === 0) throw new FatalError('REEF_INSTANCE_UNKNOWN', `node ${node} has no instance ${victim.instanceId}`);
      }
      await notify(c, 'reef_desired', infraId);
      return nodeFromRow({ ...row, target, failed_reason: null });
    });
  }

  async setNodeFailed(infraId: string, node: string, reason: string | null, fence?: Fence): Promise<void> {
    await this.tx(`failure of ${infraId}/${node}`, fence, (c) =>
      c.query('UPDATE nodes SET failed_reason = $1 WHERE infra_id = $2 AND name = $3', [reason, infraId, node]));
  }

  async insertInstance(rec: InstanceRecord, fence?: Fence): Promise<void> {
    return this.insertInstances([rec], fence);
  }

  async insertInstances(recs: InstanceRecord[], fence?: Fence): Promise<void> {
    if (recs.length === 0) return;
    const stmt = new OneStatement(fence);
    const names = INSTANCE_COLUMNS.map(([name]) => name).join(', ');
    const shape = INSTANCE_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
    for (let i = 0; i < recs.length; i += CHUNK) {
      const rows = JSON.stringify(recs.slice(i, i + CHUNK).map(instanceToRow));
      stmt.write(`INSERT INTO instances (${names}) SELECT ${names} FROM json_to_recordset(${stmt.param(rows, 'json')}) AS v(${shape})
                  WHERE ${stmt.guard}`);
    }
    await this.one(`insert of ${recs.length} instances`, stmt);
  }

  async updateInstance(id: string, patch: InstancePatch, fence?: Fence): Promise<void> {
    return this.writeBatch({ patches: [{ id, patch }] }, fence);
  }

  async writeInstances(updates: Array<{ id: string; patch: InstancePatch }>, fence?: Fence): Promise<void> {
    return this.writeBatch({ patches: updates }, fence);
  }

  async writeBatch(batch: WriteBatch, fence?: Fence): Promise<void> {
    const deletions = batch.deletions ?? [];
    const events = batch.events ?? [];
    const gone = new Set(deletions);
    const patches = (batch.patches ?? []).filter((u) => !gone.has(u.id));
    const what = describeBatch(patches, deletions, events);
    const stmt = new OneStatement(fence);
    try {
      addPatches(stmt, patches);
    } catch (e) {
      throw pgStateError('REEF_STATE_WRITE', this.where, what, e);
    }
    if (deletions.length) stmt.write(`DELETE FROM instances WHERE id = ANY(${stmt.param(deletions, 'text[]')}) AND ${stmt.guard}`);
    addEvents(stmt, events);
    if (stmt.empty) return;
    await this.one(what, stmt);
  }

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const row = (await this.q<InstanceRow>(`read of instance ${id}`, 'SELECT * FROM instances WHERE id = $1', [id]))[0];
    return row && instanceFromRow(row);
  }

  async listInstances(infraId: string): Promise<InstanceRecord[]> {
    return (await this.q<InstanceRow>(`list of instances of ${infraId}`,
      'SELECT * FROM instances WHERE infra_id = $1 ORDER BY created_at, id', [infraId])).map(instanceFromRow);
  }

  async deleteInstance(id: string, fence?: Fence): Promise<void> {
    return this.writeBatch({ deletions: [id] }, fence);
  }

  async appendEvents(events: NewEvent[], fence?: Fence): Promise<void> {
    return this.writeBatch({ events }, fence);
  }

  async listEvents(q: { infra?: string; afterSeq?: number; limit?: number }): Promise<EventRecord[]> {
    const after = q.afterSeq ?? 0;
    const limit = Math.max(0, Math.floor(q.limit ?? DEFAULT_EVENT_LIMIT));
    const rows = q.infra === undefined
      ? await this.q<EventRow>('list of events', 'SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit])
      : await this.q<EventRow>('list of events', 'SELECT * FROM events WHERE infra = $1 AND seq > $2 ORDER BY seq LIMIT $3', [q.infra, after, limit]);
    return rows.map(eventFromRow);
  }

  async putNodeDefs(defs: Record<string, Implementation[]>, now = Date.now()): Promise<string[]> {
    const types = Object.keys(defs);
    await this.tx(`import of ${types.length} node definitions`, undefined, async (c) => {
      for (const type of types) {
        await c.query(`INSERT INTO nodedefs (type, implementations_json, imported_at) VALUES ($1, $2, $3)
                       ON CONFLICT (type) DO UPDATE SET implementations_json = excluded.implementations_json,
                       imported_at = excluded.imported_at`, [type, JSON.stringify(defs[type]), now]);
      }
    });
    return types;
  }

  async getNodeDefs(): Promise<Record<string, Implementation[]>> {
    const rows = await this.q<{ type: string; implementations_json: string }>('read of node definitions',
      'SELECT type, implementations_json FROM nodedefs ORDER BY type');
    return Object.fromEntries(rows.map((r) => [r.type, JSON.parse(r.implementations_json) as Implementation[]]));
  }

  async acquireLease(infraId: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    return (await this.takeLease(infraId, holder, ttlMs, now)) !== undefined;
  }

  async takeLease(infraId: string, holder: string, ttlMs: number, now: number): Promise<Fence | undefined> {
    const expiresAt = now + ttlMs;
    return this.tx(`lease of ${infraId}`, undefined, async (c) => {
      const row = (await c.query<LeaseRow>('SELECT holder, expires_at, epoch FROM leases WHERE infra_id = $1 FOR UPDATE', [infraId])).rows[0];
      const decision = leaseDecision(row, holder, now);
      if (decision === 'refuse') return undefined;
      if (decision === 'renew') {
        await c.query('UPDATE leases SET expires_at = $1 WHERE infra_id = $2', [expiresAt, infraId]);
        return { infraId, holder, epoch: row!.epoch, expiresAt };
      }
      // an absent row cannot be locked: two takers may both get here, and the unique key lets one win
      const taken = await c.query<{ epoch: number }>(
        `INSERT INTO leases (infra_id, holder, expires_at, epoch) VALUES ($1, $2, $3, nextval('lease_epochs'))
         ON CONFLICT (infra_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, epoch = excluded.epoch
         WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder RETURNING epoch`, [infraId, holder, expiresAt, now]);
      const epoch = taken.rows[0]?.epoch;
      return epoch === undefined ? undefined : { infraId, holder, epoch, expiresAt };
    });
  }

  /** One UPDATE on the lease connection (not queued behind the pool's writes): see leasePool. */
  async renewLeases(holder: string, infraIds: string[], ttlMs: number, now: number): Promise<Map<string, number>> {
    const renewed = new Map<string, number>();
    if (infraIds.length === 0) return renewed;
    await this.ready;
    try {
      const rows = (await this.leasePool.query<{ infra_id: string; epoch: number }>(
        'UPDATE leases SET expires_at = $1 WHERE holder = $2 AND infra_id = ANY($3::text[]) RETURNING infra_id, epoch',
        [now + ttlMs, holder, infraIds])).rows;
      for (const r of rows) renewed.set(r.infra_id, r.epoch);
      return renewed;
    } catch (e) {
      throw pgStateError('REEF_STATE_WRITE', this.where, `renewal of ${infraIds.length} leases`, e);
    }
  }

  async releaseLease(infraId: string, holder: string): Promise<void> {
    await this.q(`release of lease ${infraId}`, 'DELETE FROM leases WHERE infra_id = $1 AND holder = $2', [infraId, holder], 'REEF_STATE_WRITE');
  }

  async getLease(infraId: string): Promise<Lease | undefined> {
    const row = (await this.q<LeaseRow>(`read of lease ${infraId}`, 'SELECT holder, expires_at FROM leases WHERE infra_id = $1', [infraId]))[0];
    return row && { infraId, holder: row.holder, expiresAt: row.expires_at };
  }

  async listLeases(): Promise<Array<Lease & { epoch: number }>> {
    const rows = await this.q<LeaseRow & { infra_id: string }>('list of leases', 'SELECT infra_id, holder, expires_at, epoch FROM leases ORDER BY infra_id');
    return rows.map((r) => ({ infraId: r.infra_id, holder: r.holder, expiresAt: r.expires_at, epoch: r.epoch }));
  }

  async listLeaseAudit(infraId?: string): Promise<LeaseAuditRecord[]> {
    const rows = infraId === undefined
      ? await this.q<AuditRow>('read of the lease audit', 'SELECT * FROM lease_audit ORDER BY infra_id, epoch, holder')
      : await this.q<AuditRow>('read of the lease audit', 'SELECT * FROM lease_audit WHERE infra_id = $1 ORDER BY epoch, holder', [infraId]);
    return rows.map(auditFromRow);
  }

  async heartbeat(replica: string, ttlMs: number, now: number): Promise<void> {
    await this.q(`heartbeat of ${replica}`, `INSERT INTO replicas (id, expires_at) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`, [replica, now + ttlMs], 'REEF_STATE_WRITE', this.leasePool);
  }

  async leaveReplicas(replica: string): Promise<void> {
    await this.q(`leave of ${replica}`, 'DELETE FROM replicas WHERE id = $1', [replica], 'REEF_STATE_WRITE');
  }

  async listReplicas(now: number): Promise<ReplicaRecord[]> {
    const rows = await this.q<{ id: string; expires_at: number }>('list of replicas', 'SELECT id, expires_at FROM replicas WHERE expires_at > $1 ORDER BY id', [now]);
    return rows.map((r) => ({ id: r.id, expiresAt: r.expires_at }));
  }

  watch(fn: (c: StoreChange) => void): () => void {
    this.listener ??= new ChangeListener(this.url);
    return this.listener.add(fn);
  }

  /** The database answers a trivial query within HEALTH_TIMEOUT_MS (a lost connection, a server down: unhealthy). */
  async health(): Promise<StoreHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.ready.then(() => this.pool.query('SELECT 1')), timeout]);
      return { ok: true };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      return { ok: false, code: 'REEF_STATE_UNREACHABLE', message: `state store ${this.where} does not answer: ${reason}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.listener?.close();
    await Promise.all([this.pool.end().catch(() => {}), this.leasePool.end().catch(() => {})]);
  }

  private async q<R extends pg.QueryResultRow>(what: string, sql: string, params: unknown[] = [], code: 'REEF_STATE_READ' | 'REEF_STATE_WRITE' = 'REEF_STATE_READ', pool = this.pool): Promise<R[]> {
    await this.ready;
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (e) {
      throw pgStateError(code, this.where, what, e);
    }
  }

  /** Runs a OneStatement (autocommit); a fenced one that found the lease no longer its own throws LEASE_LOST. */
  private async one(what: string, stmt: OneStatement): Promise<void> {
    const rows = await this.q<{ holder: string | null; epoch: number | null }>(what, stmt.sql(), stmt.params, 'REEF_STATE_WRITE');
    const fence = stmt.fence;
    if (!fence) return;
    const { holder, epoch } = rows[0];
    const why = fenceProblem(holder === null || epoch === null ? undefined : { holder, epoch, expires_at: 0 }, fence);
    if (why) throw leaseLost(fence, why);
  }

  /** One transaction on one connection; with a fence, the lease row is checked (and locked FOR SHARE) first. */
  private async tx<T>(what: string, fence: Fence | undefined, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      survivesCut(client);
      await client.query('BEGIN');
      if (fence) await checkFence(client, fence);
      const result = await fn(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (e) {
      if (client) {
        const broken = await client.query('ROLLBACK').then(() => false, () => true);
        client.release(broken ? (e instanceof Error ? e : true) : undefined);
      }
      throw pgStateError('REEF_STATE_WRITE', this.where, what, e);
    }
  }
}

async function checkFence(c: Q, fence: Fence): Promise<void> {
  const row = (await c.query<LeaseRow>('SELECT holder, expires_at, epoch FROM leases WHERE infra_id = $1 FOR SHARE', [fence.infraId])).rows[0];
  const why = fenceProblem(row, fence);
  if (why) throw leaseLost(fence, why);
  const now = Date.now();
  await c.query(`INSERT INTO lease_audit (infra_id, epoch, holder, writes, first_at, last_at) VALUES ($1, $2, $3, 1, $4, $4)
                 ON CONFLICT (infra_id, epoch, holder) DO UPDATE SET writes = lease_audit.writes + 1, last_at = excluded.last_at`,
  [fence.infraId, fence.epoch, fence.holder, now]);
}

/** the instance columns and how json_to_recordset() reads each (rows come from instanceToRow: json as text) */
const INSTANCE_COLUMNS: ReadonlyArray<readonly [keyof InstanceRow, string]> = columnsOf('instances').map((c) =>
  [c.name as keyof InstanceRow, c.type === 'json' ? 'text' : RECORD_TYPES[c.type]] as const);

/** Events in CHUNK-row INSERTs (ord keeps the batch's order in seq), and a NOTIFY per infra. */
function addEvents(stmt: OneStatement, events: NewEvent[]): void {
  for (let i = 0; i < events.length; i += CHUNK) {
    const rows = JSON.stringify(events.slice(i, i + CHUNK).map((e, ord) => ({ ...eventToRow(e), ord })));
    stmt.write(`INSERT INTO events (time, infra, node, instance, kind, from_state, to_state, message, data_json)
                SELECT time, infra, node, instance, kind, from_state, to_state, message, data_json
                FROM json_to_recordset(${stmt.param(rows, 'json')}) AS v(time int8, infra text, node text, instance text, kind text,
                from_state text, to_state text, message text, data_json text, ord int4)
                WHERE ${stmt.guard} ORDER BY ord`);
  }
  for (const infra of new Set(events.map((e) => e.infra))) stmt.notifyOn('reef_events', infra);
}

function describeBatch(patches: unknown[], deletions: unknown[], events: unknown[]): string {
  const parts = [[patches.length, 'instance update'], [deletions.length, 'deletion'], [events.length, 'event']] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}${n === 1 ? '' : 's'}`);
  return `write of ${said.join(', ') || 'nothing'}`;
}

/** Delivered to listeners when the transaction commits (and not at all if it rolls back). */
async function notify(c: Q, channel: 'reef_events' | 'reef_desired', infra: string): Promise<void> {
  await c.query('SELECT pg_notify($1, $2)', [channel, infra]);
}

function unknownInfra(id: string): FatalError {
  return new FatalError('REEF_STATE_UNKNOWN_INFRA', `no infra with id '${id}'`);
}
