import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/state/sqlite/index.js';
import { tempDir } from './fixtures.js';
import { reefError, storeConformance } from './conformance.js';

let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;
beforeEach(() => {
  tmp = tempDir();
  store = openSqliteStore(join(tmp.dir, 'state', 'reef.db'));
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

describe('opening', () => {
  it('creates the parent folder (0700) and sets the pragmas', () => {
    const dir = join(tmp.dir, 'state');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('refuses a file that is not a database, naming it', async () => {
    const path = join(tmp.dir, 'junk.db');
    writeFileSync(path, 'this is not an SQLite file\n'.repeat(200));
    const err = await reefError(() => openSqliteStore(path));
    expect(err.code).toBe('REEF_STATE_OPEN');
    expect(err.transient).toBe(false);
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/not a database/);
  });

  it('refuses a path whose folder cannot be created', async () => {
    const blocker = join(tmp.dir, 'plain-file');
    writeFileSync(blocker, 'x');
    const path = join(blocker, 'sub', 'reef.db');
    const err = await reefError(() => openSqliteStore(path));
    expect(err.code).toBe('REEF_STATE_OPEN');
    expect(err.message).toContain(path);
  });

  it('refuses to open a missing file read-only, and creates nothing', async () => {
    const path = join(tmp.dir, 'missing', 'reef.db');
    const err = await reefError(() => openSqliteStore(path, { readonly: true }));
    expect(err.code).toBe('REEF_STATE_OPEN');
    expect(err.message).toContain(path);
    expect(existsSync(join(tmp.dir, 'missing'))).toBe(false);
  });
});

describe('conformance (SQLite)', () => storeConformance(() => store, async (sql) => { store.db.exec(sql); }));
