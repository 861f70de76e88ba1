/**
 * The PostgreSQL the scale-out section runs on: REEF_TEST_PG_URL when set, else a private server started with
 * scripts/pg-test-server.sh in a temp dir (Debian's binaries, 127.0.0.1, a free port), stopped at the end.
 * Each configuration gets a database of its own, dropped after it. A missing server is the caller's report line.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from '../lib/child.js';
import { freePort } from '../lib/free-port.js';

export interface PgServer {
  /** where the URL came from, for the report */
  source: string;
  url: string;
  stop(): void;
}

export interface Database {
  url: string;
  drop(): Promise<void>;
}

export async function pgServer(): Promise<PgServer> {
  const given = process.env.REEF_TEST_PG_URL;
  if (given) return { source: 'REEF_TEST_PG_URL', url: given, stop: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'reef-bench-pg-'));
  const script = join(repoRoot(), 'scripts', 'pg-test-server.sh');
  try {
    const out = execFileSync('bash', [script, 'start', dir, String(await freePort())], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    const url = /REEF_TEST_PG_URL=(\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`scripts/pg-test-server.sh printed no URL: ${out.trim().split('\n').pop()}`);
    return {
      source: `private server in ${dir}`,
      url,
      stop: () => {
        execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore', timeout: 60_000 });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new Error(`no PostgreSQL: REEF_TEST_PG_URL is not set and scripts/pg-test-server.sh failed${stderr ? `: ${stderr.split('\n')[0]}` : ''} (apt-get install postgresql)`);
  }
}

/** A new empty database on the server; drop() removes it, closing whatever still connects to it. */
export async function createDatabase(serverUrl: string): Promise<Database> {
  const name = `reef_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
