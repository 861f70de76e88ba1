/**
 * The mysqldbs health check against a real MariaDB (Debian's mariadb-server, started on 127.0.0.1 by
 * .ci/setup.d/40-mariadb.sh with scripts/test-mariadb.sh): ready, a database that does not exist, a wrong
 * password, and a server still starting (a second, private mariadbd this suite starts and stops).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqldbsCheck } from '../../src/reconcilers/health/mysqldbs.js';
import { runHealthChecks, isHealthy } from '../../src/reconcilers/health/run.js';
import { callContext } from '../docker/engine.js';
import { freePort } from '../helpers/free-port.js';

const env = process.env;
const server = env.REEF_TEST_MARIADB_PORT
  ? { port: Number(env.REEF_TEST_MARIADB_PORT), user: env.REEF_TEST_MARIADB_USER!, pass: env.REEF_TEST_MARIADB_PASSWORD!, db: env.REEF_TEST_MARIADB_DB! }
  : undefined;
// In CI the server must be there: a missing component fails the suite instead of skipping it.
if (!server && env.CI === 'true') throw new Error('REEF_TEST_MARIADB_PORT is not set: .ci/setup.d/40-mariadb.sh did not start MariaDB');

const target = { ip: '127.0.0.1' };
const check = (dbs: Array<{ name: string; user: string; pass: string; port: number }>, timeoutMs = 5000) =>
  mysqldbsCheck.check({ target, config: { mysqldbs: dbs, timeoutMs } }, callContext());

describe.skipIf(!server)('mysqldbs against MariaDB on 127.0.0.1', () => {
  const s = server!;

  it('is ok for an existing database the user may log in to', async () => {
    const [probe] = await check([{ name: s.db, user: s.user, pass: s.pass, port: s.port }]);
    expect(probe).toEqual({ name: `mysqldb ${s.db}`, ok: true, detail: `mysqldb ${s.db} as ${s.user} on 127.0.0.1:${s.port}: ready` });
  });

  it('says when the database does not exist', async () => {
    const [probe] = await check([{ name: 'reef_missing', user: s.user, pass: s.pass, port: s.port }]);
    expect(probe.ok).toBe(false);
    expect(probe.detail).toBe(`mysqldb reef_missing as ${s.user} on 127.0.0.1:${s.port}: database "reef_missing" does not exist`);
  });

  it('says access is denied for a wrong password, and never shows a password', async () => {
    const wrong = 'not-the-password-42';
    const [probe] = await check([{ name: s.db, user: s.user, pass: wrong, port: s.port }]);
    expect(probe.ok).toBe(false);
    expect(probe.detail).toBe(`mysqldb ${s.db} as ${s.user} on 127.0.0.1:${s.port}: access denied for user "${s.user}" (wrong user or password)`);
    expect(probe.detail).not.toContain(wrong);
    expect(probe.detail).not.toContain(s.pass);
  });

  it('runs inside runHealthChecks with the other checks: healthy only when every database answers', async () => {
    const good = { name: s.db, user: s.user, pass: s.pass, port: s.port };
    const probes = await runHealthChecks({ ping: false, ports: [s.port], mysqldbs: [good, { ...good, name: 'reef_other' }] }, target, callContext());
    expect(probes.map((p) => [p.name, p.ok])).toEqual([
      [`port ${s.port}`, true],
      [`mysqldb ${s.db}`, true],
      ['mysqldb reef_other', false],
    ]);
    expect(isHealthy(probes)).toBe(false);
  });

  describe('a server still starting', () => {
    let dir: string | undefined;
    let child: ChildProcess | undefined;
    afterAll(() => {
      child?.kill('SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('is reported not ready until it accepts the login, then ready', async () => {
      dir = mkdtempSync(join(tmpdir(), 'reef-mariadb-starting-'));
      const uid = Number(execFileSync('id', ['-u', 'mysql']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'mysql']).toString().trim());
      chownSync(dir, uid, gid);
      execFileSync('mariadb-install-db', ['--no-defaults', '--user=mysql', `--datadir=${join(dir, 'data')}`, '--skip-test-db'], { stdio: 'ignore', timeout: 120_000 });
      const port = await freePort();
      // --skip-grant-tables: any login works once the server is up, so only "starting" can fail the probe
      child = spawn('mariadbd', ['--no-defaults', '--user=mysql', `--datadir=${join(dir, 'data')}`, '--bind-address=127.0.0.1', `--port=${port}`,
        `--socket=${join(dir, 'sock')}`, '--skip-grant-tables', '--skip-name-resolve', `--log-error=${join(dir, 'error.log')}`], { stdio: 'ignore' });
      const db = { name: 'mysql', user: 'anyone', pass: 'anything', port };
      const details: string[] = [];
      const deadline = Date.now() + 90_000;
      let ready = false;
      while (!ready && Date.now() < deadline) {
        const [probe] = await check([db], 2000);
        ready = probe.ok;
        details.push(probe.detail);
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready, details.slice(-3).join('\n')).toBe(true);
      expect(details[0]).toMatch(new RegExp(`^mysqldb mysql as anyone on 127.0.0.1:${port}: (connection refused \\(server not started yet\\?\\)|the server closed the connection \\(still starting\\?\\))$`));
      expect(details.at(-1)).toBe(`mysqldb mysql as anyone on 127.0.0.1:${port}: ready`);
    }, 180_000);
  });
});
