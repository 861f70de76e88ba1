/** A PostgreSQL store on a database of its own for one describe block: opened before its tests, dropped after. */
import { afterAll, beforeAll } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/state/postgres/index.js';
import { freshDatabase } from './pg.js';

export interface PgStoreFixture {
  readonly store: PostgresStore;
  readonly db: { url: string; name: string };
}

export function usePgStore(): PgStoreFixture {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let store: PostgresStore | undefined;
  beforeAll(async () => {
    db = await freshDatabase();
    store = await openPostgresStore(db.url);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });
  return {
    get store() { return store!; },
    get db() { return db!; },
  };
}
