/** The store conformance suite against PostgreSQL, plus what only the PostgreSQL backend does. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, PG_MIGRATIONS, schemaVersionPg, type PostgresStore } from '../../src/state/postgres/index.js';
import { MIGRATIONS } from '../../src/state/sqlite/index.js';
import type { StoreChange } from '../../src/state/store.js';
import { NO_PG } from '../helpers/pg.js';
import { usePgStore } from '../helpers/pg-store.js';
import { storeConformance, reefError } from './conformance.js';
import { instance, node, spec } from './fixtures.js';

const TABLES = ['infras', 'nodes', 'instances', 'events', 'nodedefs', 'leases', 'lease_audit', 'replicas'];

describe.skipIf(NO_PG)('PostgreSQL store', () => {
  const pgStore = usePgStore();
  const store = (): PostgresStore => pgStore.store;
  // one database for the file; every test starts from empty tables and seq/epoch counters at 1
  beforeEach(async () => {
    await store().pool.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE; ALTER SEQUENCE lease_epochs RESTART`);
  });

  describe('conformance (PostgreSQL)', () => storeConformance(() => store(), async (sql) => { await store().pool.query(sql); }));

  it('has the same migrations as SQLite (versions and names) and records the version', async () => {
    expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
    expect(await schemaVersionPg(store().pool)).toBe(MIGRATIONS.length);
  });

  it('has the same tables and columns as the SQLite schema', async () => {
    const { rows } = await store().pool.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'reef_schema'");
    const pgCols = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    const Database = (await import('better-sqlite3')).default;
    const lite = new Database(':memory:');
    for (const m of MIGRATIONS) lite.exec(m.sql);
    const liteCols = new Set<string>();
    for (const t of lite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'lease_epochs'").all() as Array<{ name: string }>) {
      for (const c of lite.prepare(`PRAGMA table_info(${t.name})`).all() as Array<{ name: string }>) liteCols.add(`${t.name}.${c.name}`);
    }
    lite.close();
    expect([...pgCols].sort()).toEqual([...liteCols].sort());
  });

  it('a second open of a migrated database applies nothing; a newer schema is refused', async () => {
    const again = await openPostgresStore(pgStore.db.url);
    await again.close();
    await store().pool.query('UPDATE reef_schema SET version = 99');
    try {
      const err = await reefError(openPostgresStore(pgStore.db.url));
      expect(err.code).toBe('REEF_STATE_TOO_NEW');
      expect(err.message).toContain('schema version 99');
      expect(err.message).not.toContain(new URL(pgStore.db.url).password);
    } finally {
      await store().pool.query('UPDATE reef_schema SET version = $1', [MIGRATIONS.length]);
    }
  });

  it('refuses a server that does not answer with a one-line transient-free open error naming the redacted URL', async () => {
    const err = await reefError(openPostgresStore('postgres://reef:secret@127.0.0.1:1/none'));
    expect(err.code).toBe('REEF_STATE_OPEN');
    expect(err.message).toContain('postgres://reef:***@127.0.0.1:1/none');
    expect(err.message).not.toContain('secret');
  });

  it('announces events and desired-state changes to watchers in other connections (LISTEN/NOTIFY)', async () => {
    const other = await openPostgresStore(pgStore.db.url);
    const seen: StoreChange[] = [];
    const off = other.watch((c) => seen.push(c));
    try {
      // LISTEN is issued asynchronously: wait until it is in place
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const { rows } = await store().pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()");
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await store().putInfra(spec([node('worker', 1, 3)]));
      await store().setTarget('demo', 'worker', 2);
      await store().appendEvents([{ time: 1, infra: 'demo', kind: 'k', message: 'm' }]);
      while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([{ kind: 'desired', infra: 'demo' }, { kind: 'desired', infra: 'demo' }, { kind: 'events', infra: 'demo' }]);
    } finally {
      off();
      await other.close();
    }
  });

  it('lets exactly one of many concurrent takers win a free lease, and serialises a take-over behind fenced writes', async () => {
    await store().putInfra(spec([node('worker', 1, 3)]));
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(pgStore.db.url)));
    try {
      const now = Date.now();
      const won = await Promise.all(stores.map((s, i) => s.takeLease('demo', `h${i}`, 60_000, now)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const fence = won.find(Boolean)!;
      const writer = stores[Number(fence.holder.slice(1))];
      await writer.insertInstance(instance('i1'), fence);
      // many fenced writes racing a take-over: each either committed before it or was refused after it
      const later = now + 120_000;
      const writes = Array.from({ length: 20 }, (_, i) => writer.appendEvents([{ time: i, infra: 'demo', kind: 'k', message: `w${i}` }], fence).then(() => 'ok', (e) => e.code));
      const taker = stores.find((s) => s !== writer)!;
      const next = await taker.takeLease('demo', 'other', 60_000, later);
      const outcomes = await Promise.all(writes);
      expect(next!.epoch).toBeGreaterThan(fence.epoch);
      expect(outcomes.every((o) => o === 'ok' || o === 'REEF_LEASE_LOST')).toBe(true);
      const audit = await store().listLeaseAudit('demo');
      expect(audit.find((r) => r.holder === fence.holder)?.writes).toBe(1 + outcomes.filter((o) => o === 'ok').length);
      expect((await store().listEvents({ infra: 'demo' })).length).toBe(outcomes.filter((o) => o === 'ok').length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

