/**
 * Connects to PostgreSQL and brings the schema up to date. The applied version is kept in reef_schema; a
 * transaction-scoped advisory lock makes replicas that start together apply each migration once.
 */
import pg from 'pg';
import { FatalError, isReefError } from '../../errors/index.js';
import type { Logger } from '../../util/log.js';
import { PG_MIGRATIONS } from './migrations.js';
import type { Migration } from '../sqlite/migrations.js';
import { PostgresStore } from './store.js';
import { redactUrl, survivesCut } from './errors.js';

// BIGINT (ms timestamps, seq, epochs) as numbers: they stay far below 2^53
const INT8_OID = 20;
const types = { getTypeParser: (oid: number, format?: string) => (oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) };
const MIGRATION_LOCK = 0x7265_6566; // 'reef'

export { isPostgresUrl } from './url.js';

export interface PgOpenOptions {
  poolSize?: number;
  log?: Logger;
  migrations?: readonly Migration[];
}

/** A store whose schema migration runs in the background; its first query waits for it (see PostgresStore). */
export function createPostgresStore(url: string, opts: PgOpenOptions = {}): PostgresStore {
  const where = redactUrl(url);
  const newPool = (max: number) => {
    const pool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
    // an idle connection that the server drops (restart, fail-over) must not crash the process
    pool.on('error', (err) => opts.log?.warn({ err }, `state store ${where}: connection lost; reconnecting on next use`));
    return pool;
  };
  const pool = newPool(opts.poolSize ?? 8);
  const ready = migratePg(pool, opts.migrations ?? PG_MIGRATIONS, where).then(
    () => undefined,
    (e: unknown) => {
      if (isReefError(e)) throw e;
      throw new FatalError('REEF_STATE_OPEN', `cannot open state store ${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    },
  );
  return new PostgresStore(pool, where, url, ready, newPool(1));
}

/** Connects and migrates; rejects with REEF_STATE_OPEN / REEF_STATE_TOO_NEW (and closes the pool) on failure. */
export async function openPostgresStore(url: string, opts: PgOpenOptions = {}): Promise<PostgresStore> {
  const store = createPostgresStore(url, opts);
  try {
    await store.opened();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

export async function schemaVersionPg(pool: pg.Pool): Promise<number> {
  const r = await pool.query<{ version: number }>("SELECT version FROM reef_schema").catch(() => ({ rows: [] as Array<{ version: number }> }));
  return r.rows[0]?.version ?? 0;
}

async function migratePg(pool: pg.Pool, migrations: readonly Migration[], where: string): Promise<number[]> {
  const client = survivesCut(await pool.connect());
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS reef_schema (version INTEGER NOT NULL)');
    const current = (await client.query<{ version: number }>('SELECT version FROM reef_schema')).rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new FatalError('REEF_STATE_TOO_NEW', `state store ${where} has schema version ${current}, but this reef only knows up to ${migrations.length}: it was written by a newer reef. Upgrade reef, or point it at another database.`);
    }
    const applied: number[] = [];
    for (const m of migrations.slice(current)) {
      await client.query(m.sql);
      applied.push(m.version);
    }
    if (current === 0) await client.query('INSERT INTO reef_schema (version) VALUES ($1)', [migrations.length]);
    else await client.query('UPDATE reef_schema SET version = $1', [migrations.length]);
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
