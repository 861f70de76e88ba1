/** The one schema history, on SQLite and on PostgreSQL: see schema-upgrade.ts. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe } from 'vitest';
import { openPostgresStore, PG_MIGRATIONS } from '../../src/state/postgres/index.js';
import { MIGRATIONS, openSqliteStore } from '../../src/state/sqlite/index.js';
import { openDatabase } from '../../src/state/sqlite/open.js';
import { freshDatabase, NO_PG } from '../helpers/pg.js';
import { usePgStore } from '../helpers/pg-store.js';
import { pgSchema, sqliteSchema } from '../helpers/schema-introspect.js';
import { tempDir } from './fixtures.js';
import { LEGACY_MIGRATIONS, schemaUpgradeSuite, type Row, type SchemaBackend } from './schema-upgrade.js';

function withSqlite<T>(path: string, f: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return f(db);
  } finally {
    db.close();
  }
}

const sqlite: SchemaBackend = {
  legacy: LEGACY_MIGRATIONS.sqlite,
  current: MIGRATIONS,
  create: async () => {
    const tmp = tempDir();
    return { where: join(tmp.dir, 'reef.db'), drop: async () => tmp.cleanup() };
  },
  migrate: async (path, migrations) => {
    openDatabase(path, migrations ? { migrations } : {}).close();
  },
  introspect: async (path) => withSqlite(path, sqliteSchema),
  freshSchema: async () => {
    const { where, drop } = await sqlite.create();
    try {
      await openSqliteStore(where).close();
      return await sqlite.introspect(where);
    } finally {
      await drop();
    }
  },
  open: async (path) => openSqliteStore(path),
  columns: async (path, table) => withSqlite(path, (db) => (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as Row[]).map((c) => String(c.name))),
  rows: async (path, table) => withSqlite(path, (db) => db.prepare(`SELECT * FROM ${table}`).all() as Row[]),
  insert: async (path, table, row) => withSqlite(path, (db) => {
    const cols = Object.keys(row);
    db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...Object.values(row));
  }),
};

describe('schema history on SQLite', () => schemaUpgradeSuite(() => sqlite));

describe.skipIf(NO_PG)('schema history on PostgreSQL', () => {
  const fresh = usePgStore();
  const query = async (url: string, sql: string, params: unknown[] = []): Promise<Row[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  const postgres: SchemaBackend = {
    legacy: LEGACY_MIGRATIONS.postgres,
    current: PG_MIGRATIONS,
    create: async () => {
      const db = await freshDatabase();
      return { where: db.url, drop: db.drop };
    },
    migrate: async (url, migrations) => (await openPostgresStore(url, migrations ? { migrations } : {})).close(),
    introspect: pgSchema,
    freshSchema: () => pgSchema(fresh.db.url),
    open: (url) => openPostgresStore(url),
    columns: async (url, table) => (await query(url, 'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [table])).map((c) => String(c.column_name)),
    rows: (url, table) => query(url, `SELECT * FROM ${table}`),
    insert: async (url, table, row) => {
      const cols = Object.keys(row);
      await query(url, `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
    },
  };
  schemaUpgradeSuite(() => postgres);
});
