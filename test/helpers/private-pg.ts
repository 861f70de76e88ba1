/**
 * A PostgreSQL server of one test's own: a fresh cluster (initdb) in a temp directory, on a free loopback port,
 * started and stopped by scripts/pg-test-server.sh. For tests that restart or stop the server: the shared one
 * (REEF_TEST_PG_URL) serves other test files running at the same time. In CI a missing PostgreSQL fails the
 * test; elsewhere it is skipped.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './cli.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'scripts', 'pg-test-server.sh');

function hasPostgres(): boolean {
  const base = '/usr/lib/postgresql';
  return existsSync(base) && readdirSync(base).some((v) => existsSync(join(base, v, 'bin', 'initdb')));
}

/** true when a private-PostgreSQL test must be skipped (never in CI: there it fails instead) */
export const NO_PRIVATE_PG = !hasPostgres() && process.env.CI !== 'true';

export interface PrivatePg {
  url: string;
  /** `pg_ctl restart -m fast`: every connection is cut, the server is back when this resolves */
  restart(): Promise<void>;
  /** a fast shutdown, `downMs` with no server at all (connections refused), then a start on the same port */
  down(downMs: number): Promise<void>;
  /** stops the server and removes its directory */
  stop(): Promise<void>;
}

export async function startPrivatePg(): Promise<PrivatePg> {
  if (!hasPostgres()) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): .ci/setup.d/40-postgres.sh installs it');
  const dir = mkdtempSync(join(tmpdir(), 'reef-private-pg-'));
  const port = await freePort();
  try {
    const { stdout } = await run('bash', [SCRIPT, 'start', dir, String(port)], { timeout: 90_000 });
    const url = /REEF_TEST_PG_URL=(\S+)/.exec(stdout)?.[1];
    if (!url) throw new Error(`pg-test-server.sh printed no URL: ${stdout}`);
    return {
      url,
      restart: async () => {
        await run('bash', [SCRIPT, 'restart', dir], { timeout: 90_000 });
      },
      down: async (downMs: number) => {
        await run('bash', [SCRIPT, 'stop', dir], { timeout: 90_000 });
        await new Promise((r) => setTimeout(r, downMs));
        await run('bash', [SCRIPT, 'start', dir, String(port)], { timeout: 90_000 });
      },
      stop: async () => {
        await run('bash', [SCRIPT, 'stop', dir], { timeout: 90_000 }).catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await run('bash', [SCRIPT, 'stop', dir], { timeout: 90_000 }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
