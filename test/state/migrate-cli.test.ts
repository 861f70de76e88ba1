/** `reef state migrate`: an SQLite state deployed on the dummy cloud moves to PostgreSQL whole, counts verified. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reef, ROOT } from '../helpers/cli.js';
import { NO_PG, freshDatabase } from '../helpers/pg.js';

describe.skipIf(NO_PG)('reef state migrate', () => {
  let dir: string;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reef-migrate-'));
    cpSync(join(ROOT, 'test/fixtures/cli'), dir, { recursive: true });
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies infras, instances with snapshots, events and node definitions, verifies counts, and refuses a second copy', () => {
    expect(reef(dir, ['import', 'nodes.yaml']).code).toBe(0);
    const applied = reef(dir, ['apply', 'infra.yaml', '--wait']);
    expect(applied.code, applied.stderr).toBe(0);
    const before = JSON.parse(reef(dir, ['status', 'cli-demo', '-o', 'json']).stdout);
    const eventsBefore = reef(dir, ['logs', 'cli-demo', '-o', 'json']).stdout.trim().split('\n');

    const moved = reef(dir, ['state', 'migrate', '--from', '.reef/state.db', '--to', db.url, '-o', 'json']);
    expect(moved.code, moved.stderr).toBe(0);
    const report = JSON.parse(moved.stdout);
    expect(report.to).not.toContain(new URL(db.url).password);
    const counts = Object.fromEntries(report.tables.map((t: { table: string; source: number; target: number }) => [t.table, [t.source, t.target]]));
    expect(counts.infras).toEqual([1, 1]);
    expect(counts.instances).toEqual([3, 3]);
    expect(counts.nodedefs[0]).toBeGreaterThan(0);
    expect(counts.events[0]).toBe(eventsBefore.length);
    expect(counts.events[1]).toBe(eventsBefore.length);

    const pgStatus = reef(dir, ['--state', db.url, 'status', 'cli-demo', '-o', 'json']);
    expect(pgStatus.code, pgStatus.stderr).toBe(0);
    expect(JSON.parse(pgStatus.stdout)).toEqual(before);
    expect(reef(dir, ['--state', db.url, 'logs', 'cli-demo', '-o', 'json']).stdout.trim().split('\n')).toEqual(eventsBefore);
    // the migrated state is live: a converged re-apply against PostgreSQL changes nothing in the cloud
    const again = reef(dir, ['--state', db.url, 'apply', 'infra.yaml', '--wait']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('unchanged');

    const twice = reef(dir, ['state', 'migrate', '--from', '.reef/state.db', '--to', db.url]);
    expect(twice.code).toBe(1);
    expect(twice.stderr.trim()).toMatch(/table infras is not empty; migrate into a new database$/);
    expect(twice.stderr).not.toContain(new URL(db.url).password);
  }, 180_000); // eight CLI runs; on a busy 2-core machine each takes seconds
});
