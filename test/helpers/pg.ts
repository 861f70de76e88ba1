/**
 * The test PostgreSQL: .ci/setup.d/40-postgres.sh starts Debian's server on 127.0.0.1 and exports its URL as
 * REEF_TEST_PG_URL (scripts/pg-test-server.sh does the same by hand). In CI a missing URL fails the suites that
 * need it; elsewhere they are skipped. Each suite works in a database of its own, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.REEF_TEST_PG_URL;
/** true when the PostgreSQL suites must be skipped (never in CI: there they fail instead) */
export const NO_PG = !PG_URL && process.env.CI !== 'true';

export function requirePgUrl(): string {
  if (!PG_URL) throw new Error('REEF_TEST_PG_URL is not set: run .ci/run, or scripts/pg-test-server.sh start DIR PORT and export its output');
  return PG_URL;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A new empty database on the test server; drop() removes it (closing whatever still connects to it). */
export async function freshDatabase(prefix = 'reef_t'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const base = requirePgUrl();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(base, name),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
