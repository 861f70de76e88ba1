/**
 * A connection the server cuts in the middle of a transaction (restart, fail-over, pg_terminate_backend) must
 * fail that write with a transient error, not kill the process: found by the replica chaos test, where a
 * PostgreSQL restart crashed a `reef serve` replica with an unhandled 'error' event from a checked-out client.
 */
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import type { PostgresStore } from '../../src/state/postgres/index.js';
import { isReefError } from '../../src/errors/index.js';
import { NO_PG } from '../helpers/pg.js';
import { usePgStore } from '../helpers/pg-store.js';
import { node, spec } from './fixtures.js';

describe.skipIf(NO_PG)('PostgreSQL store: a connection cut mid-transaction', () => {
  const pgStore = usePgStore();
  const store = (): PostgresStore => pgStore.store;

  it('a fenced write whose backend is terminated rejects as transient; the process lives and the store works on', async () => {
    const { infra } = await store().putInfra(spec([node('worker', 1, 2)], { id: 'cut', name: 'cut' }));
    const fence = (await store().takeLease(infra.id, 'me', 60_000, Date.now()))!;
    // another session holds the lease row, so the fenced write waits on it inside its transaction
    const locker = new pg.Client({ connectionString: pgStore.db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT * FROM leases WHERE infra_id = $1 FOR UPDATE', [infra.id]);
    const write = store().setInfraStatus(infra.id, 'destroying', Date.now(), fence).then(() => 'committed', (e: unknown) => e);
    let waiting: number | undefined;
    for (let i = 0; i < 100 && waiting === undefined; i++) {
      const r = await locker.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()", [pgStore.db.name]);
      waiting = r.rows[0]?.pid;
      if (waiting === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(waiting, 'the fenced write never waited on the lease row').toBeDefined();
    await locker.query('SELECT pg_terminate_backend($1)', [waiting]);
    const outcome = await write;
    await locker.query('ROLLBACK');
    await locker.end();
    expect(isReefError(outcome) && outcome.transient, String(outcome)).toBe(true);
    // an unhandled 'error' event would surface after the rejection: give it the chance to
    await new Promise((r) => setTimeout(r, 300));
    await store().setInfraStatus(infra.id, 'destroying', Date.now(), fence);
    expect((await store().getInfra(infra.id))!.status).toBe('destroying');
  });
});
