/** Schema versions, read-only stores and failing writes. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isReefError, type ReefError } from '../../src/reconcilers/errors.js';
import { LATEST_VERSION, MIGRATIONS, openSqliteStore, type Migration } from '../../src/state/sqlite/index.js';
import { assertOrdered, migrate, schemaVersion } from '../../src/state/sqlite/migrate.js';
import { openDatabase } from '../../src/state/sqlite/open.js';
import { instance, node, spec, tempDir } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let path: string;
beforeEach(() => {
  tmp = tempDir();
  path = join(tmp.dir, 'reef.db');
});
afterEach(() => tmp.cleanup());

async function reefError(f: () => unknown): Promise<ReefError> {
  try {
    await f();
  } catch (e) {
    if (isReefError(e)) return e;
    throw e;
  }
  throw new Error('expected a ReefError, got success');
}

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(() => assertOrdered(MIGRATIONS)).not.toThrow();
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
    expect(() => assertOrdered([MIGRATIONS[0], { version: 3, name: 'gap', sql: '' }])).toThrow(/expected 2/);
  });

  it('create every table on a new store, and re-opening an up-to-date store changes nothing', async () => {
    const store = openSqliteStore(path);
    expect(schemaVersion(store.db)).toBe(LATEST_VERSION);
    expect(tables(store.db)).toEqual(['events', 'infras', 'instances', 'lease_audit', 'lease_epochs', 'leases', 'nodedefs', 'nodes', 'replicas', 'sqlite_sequence']);
    await store.putInfra(spec([node('worker', 1, 3)]));
    await store.close();

    const db = openDatabase(path);
    try {
      const before = db.pragma('data_version', { simple: true });
      expect(migrate(db, MIGRATIONS, path)).toEqual([]);
      expect(db.pragma('data_version', { simple: true })).toBe(before);
    } finally {
      db.close();
    }
    const again = openSqliteStore(path);
    expect((await again.getInfra('demo'))?.generation).toBe(1);
    await again.close();
  });

  it('apply only the new ones to an older store, keeping its data', async () => {
    const store = openSqliteStore(path);
    await store.putInfra(spec([node('worker', 1, 3)]));
    await store.close();
    const v2: Migration = { version: LATEST_VERSION + 1, name: 'add_note', sql: 'ALTER TABLE infras ADD COLUMN note TEXT;' };
    const db = openDatabase(path, { migrations: [...MIGRATIONS, v2] });
    try {
      expect(schemaVersion(db)).toBe(LATEST_VERSION + 1);
      expect(db.prepare('SELECT id, note FROM infras').all()).toEqual([{ id: 'demo', note: null }]);
      expect(migrate(db, [...MIGRATIONS, v2], path)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('roll back a failing migration as a whole', async () => {
    openSqliteStore(path).close();
    const bad: Migration = {
      version: LATEST_VERSION + 1,
      name: 'broken',
      sql: 'CREATE TABLE half_done (x INTEGER); ALTER TABLE no_such_table ADD COLUMN y TEXT;',
    };
    const err = await reefError(() => openDatabase(path, { migrations: [...MIGRATIONS, bad] }));
    expect(err.code).toBe('REEF_STATE_OPEN');
    const db = new Database(path);
    try {
      expect(schemaVersion(db)).toBe(LATEST_VERSION);
      expect(tables(db)).not.toContain('half_done');
    } finally {
      db.close();
    }
  });

  it('refuse a store written by a newer reef', async () => {
    const store = openSqliteStore(path);
    store.db.pragma(`user_version = ${LATEST_VERSION + 4}`);
    await store.close();
    const err = await reefError(() => openSqliteStore(path));
    expect(err.code).toBe('REEF_STATE_TOO_NEW');
    expect(err.transient).toBe(false);
    expect(err.message).toContain(path);
    expect(err.message).toContain(`schema version ${LATEST_VERSION + 4}`);
    expect(err.message).toMatch(/newer reef/);
    expect((await reefError(() => openSqliteStore(path, { readonly: true }))).code).toBe('REEF_STATE_TOO_NEW');
  });
});

describe('read-only stores', () => {
  it('serve reads and refuse writes with a clear fatal error', async () => {
    const writer = openSqliteStore(path);
    await writer.putInfra(spec([node('worker', 1, 3)]));
    await writer.insertInstance(instance('i1'));
    const reader = openSqliteStore(path, { readonly: true });
    try {
      expect((await reader.getInfra('demo'))?.id).toBe('demo');
      await writer.updateInstance('i1', { state: 'ready' }); // the writer stays usable beside a reader
      expect((await reader.getInstance('i1'))?.state).toBe('ready');
      for (const write of [
        () => reader.putInfra(spec([node('worker', 1, 5)])),
        () => reader.updateInstance('i1', { state: 'failed' }),
        () => reader.writeInstances([{ id: 'i1', patch: { attempts: 3 } }]),
        () => reader.acquireLease('demo', 'x', 1000, 0),
        () => reader.appendEvents([{ time: 1, infra: 'demo', kind: 'k', message: 'm' }]),
      ]) {
        const err = await reefError(write);
        expect(err).toMatchObject({ code: 'REEF_STATE_WRITE', transient: false });
        expect(err.message).toContain(path);
        expect(err.message).toMatch(/read-only/);
      }
      expect((await writer.getInstance('i1'))?.state).toBe('ready');
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('refuse to open a store that would need migrating', async () => {
    new Database(path).close(); // an empty SQLite file: schema version 0
    const err = await reefError(() => openSqliteStore(path, { readonly: true }));
    expect(err.code).toBe('REEF_STATE_OPEN');
    expect(err.message).toMatch(/needs a schema upgrade.*read-only/);
  });
});

describe('failing writes', () => {
  it('report a full database as a transient write error', async () => {
    // max_page_count makes SQLite answer SQLITE_FULL exactly as it does for a full disk.
    const store = openSqliteStore(path);
    try {
      await store.putInfra(spec([node('worker', 1, 3)]));
      store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true })}`);
      const big = 'x'.repeat(4000);
      const err = await reefError(async () => {
        for (let i = 0; i < 100; i++) await store.appendEvents([{ time: i, infra: 'demo', kind: 'k', message: big }]);
      });
      expect(err).toMatchObject({ code: 'REEF_STATE_WRITE', transient: true });
      expect(err.message).toMatch(/SQLITE_FULL/);
      expect((await store.getInfra('demo'))?.id).toBe('demo'); // reads still work
    } finally {
      await store.close();
    }
  });

  it('report a closed store as a fatal error', async () => {
    const store = openSqliteStore(path);
    await store.close();
    expect(await reefError(() => store.setNodeFailed('demo', 'worker', null))).toMatchObject({ code: 'REEF_STATE_WRITE', transient: false });
    expect(await reefError(() => store.listInfras())).toMatchObject({ code: 'REEF_STATE_READ' });
  });
});

it('leaves a file that is not a database as it was', async () => {
  const garbage = 'not sqlite'.repeat(500);
  writeFileSync(path, garbage);
  expect((await reefError(() => openSqliteStore(path))).code).toBe('REEF_STATE_OPEN');
  expect(readFileSync(path, 'utf8')).toBe(garbage);
});
