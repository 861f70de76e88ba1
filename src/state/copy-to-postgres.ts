/**
 * `reef state migrate`: copies an SQLite state (infras, nodes, instances with their snapshots, events, node
 * definitions, the lease audit) into an empty PostgreSQL database in one transaction, then compares row counts
 * table by table. Leases and replica heartbeats are not copied: they belong to running processes, and a
 * migration is done with every reef stopped (a live lease in the source refuses the copy).
 */
import type Database from 'better-sqlite3';
import { FatalError } from '../errors/index.js';
import { openDatabase } from './sqlite/open.js';
import { openPostgresStore } from './postgres/index.js';

/** Tables in foreign-key order, with their columns (the same in both schemas). */
const TABLES: Array<{ name: string; columns: string[] }> = [
  { name: 'infras', columns: ['id', 'name', 'spec_json', 'spec_hash', 'generation', 'status', 'auth_path', 'created_at', 'updated_at'] },
  { name: 'nodes', columns: ['infra_id', 'name', 'position', 'min', 'max', 'target', 'failed_reason'] },
  {
    name: 'instances',
    columns: ['id', 'infra_id', 'node', 'impl_index', 'driver', 'endpoint', 'ref_json', 'state', 'snapshot_json', 'machine_version',
      'addresses_json', 'attempts', 'last_error_json', 'destroy_reason', 'generation', 'created_at', 'updated_at', 'ready_at'],
  },
  { name: 'events', columns: ['seq', 'time', 'infra', 'node', 'instance', 'kind', 'from_state', 'to_state', 'message', 'data_json'] },
  { name: 'nodedefs', columns: ['type', 'implementations_json', 'imported_at'] },
  { name: 'lease_audit', columns: ['infra_id', 'epoch', 'holder', 'writes', 'first_at', 'last_at'] },
];
const ROWS_PER_INSERT = 1000;

export interface CopyReport {
  tables: Array<{ table: string; source: number; target: number }>;
}

export async function copySqliteToPostgres(from: string, to: string, now = Date.now()): Promise<CopyReport> {
  const src = openDatabase(from, { readonly: true });
  const target = await openPostgresStore(to);
  try {
    const live = src.prepare('SELECT infra_id, holder FROM leases WHERE expires_at > ?').all(now) as Array<{ infra_id: string; holder: string }>;
    if (live.length > 0) {
      throw new FatalError('REEF_STATE_MIGRATE', `${from}: infra ${live[0].infra_id} is leased by ${live[0].holder}, which may still be running: stop every reef before migrating`);
    }
    const client = await target.pool.connect();
    try {
      await client.query('BEGIN');
      for (const t of TABLES) {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.name}`);
        if (rows[0].n > 0) throw new FatalError('REEF_STATE_MIGRATE', `${target.where}: table ${t.name} is not empty; migrate into a new database`);
      }
      for (const t of TABLES) await copyTable(src, client, t);
      await client.query("SELECT setval(pg_get_serial_sequence('events', 'seq'), GREATEST((SELECT max(seq) FROM events), 1))");
      const epoch = (src.prepare('SELECT value FROM lease_epochs WHERE id = 1').get() as { value: number } | undefined)?.value ?? 0;
      const audited = (src.prepare('SELECT max(epoch) AS e FROM lease_audit').get() as { e: number | null }).e ?? 0;
      if (Math.max(epoch, audited) > 0) await client.query("SELECT setval('lease_epochs', $1)", [Math.max(epoch, audited)]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
    const tables = [];
    for (const t of TABLES) {
      const source = (src.prepare(`SELECT count(*) AS n FROM ${t.name}`).get() as { n: number }).n;
      const { rows } = await target.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.name}`);
      tables.push({ table: t.name, source, target: rows[0].n });
    }
    const wrong = tables.find((t) => t.source !== t.target);
    if (wrong) throw new FatalError('REEF_STATE_MIGRATE', `${target.where}: ${wrong.table} has ${wrong.target} rows after the copy, ${from} has ${wrong.source}`);
    return { tables };
  } finally {
    src.close();
    await target.close();
  }
}

async function copyTable(src: Database.Database, client: { query(sql: string, params?: unknown[]): Promise<unknown> }, t: { name: string; columns: string[] }): Promise<void> {
  const select = src.prepare(`SELECT ${t.columns.join(', ')} FROM ${t.name}`).raw(true);
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const width = t.columns.length;
    const values = batch.map((_, r) => `(${t.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES ${values}`, batch.flat());
    batch = [];
  };
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length >= ROWS_PER_INSERT) await flush();
  }
  await flush();
}
