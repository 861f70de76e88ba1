/**
 * examples/wordpress-mysql for real: the seed's mysql_server + wordpress pair on VM-like containers
 * (reef-test/vm-wordpress: Debian's mariadb-server, wordpress, apache2, php baked in), configured over SSH by
 * Ansible, checked with mysqldbs (db node) and a urls check on WordPress's install page (web node).
 * apply → both ready → the install page is served from the database (it fails while MariaDB is stopped) →
 * scale wordpress 1 → 2 → destroy leaves no container. The database passwords never appear in any CLI output
 * (debug level), status, event, or answer of reef serve's API.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersOf, explain, sweep, uniqueId } from '../docker-e2e/e2e.js';
import { engine, generateKey, requireVmImages, ROOT, Session, type KeyPair } from './harness.js';
import { REEF } from '../helpers/cli.js';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import type { Probe } from '../../src/reconcilers/driver.js';
import { freePort } from '../helpers/free-port.js';

type Report = Record<string, { instances: Record<string, { resource_address: string | null; state: string }>; scaling: { actual: number } }>;

const example = join(ROOT, 'examples', 'wordpress-mysql');
const INSTALL = (ip: string) => `http://${ip}/wordpress/wp-admin/install.php`;

beforeAll(async () => {
  await requireVmImages();
  execFileSync('sh', [fileURLToPath(new URL('../images/build-wordpress-image.sh', import.meta.url))], { stdio: 'inherit', timeout: 900_000 });
}, 900_000);

describe('examples/wordpress-mysql: docker + ansible over SSH, mysqldbs and install-page checks', () => {
  const session = new Session();
  const id = uniqueId('wpmysql');
  const secrets = { root: `root-${randomBytes(9).toString('hex')}`, user: `wp-${randomBytes(9).toString('hex')}` };
  let key: KeyPair;
  let infra: string;
  let auth: string;
  const cli = (args: string[], timeoutMs?: number) => session.cli(args, { cwd: example, timeoutMs });

  beforeAll(() => {
    key = generateKey(session.dir);
    infra = session.writeYaml('infra.yaml', join(example, 'infra.yaml'), (doc) => {
      doc.setIn(['variables', 'pubkey'], key.publicKey);
      doc.setIn(['variables', 'mysql_root_password'], secrets.root);
      doc.setIn(['variables', 'mysql_dbuser_password'], secrets.user);
    });
    auth = session.writeText('auth.yaml', `config_management:\n  - type: ansible\n    auth_data:\n      user: root\n      private_key: !text_import\n        url: file://${key.privateKeyPath}\n`);
  });
  afterAll(async () => {
    await sweep(id);
    session.cleanup();
  });

  async function status(): Promise<Report> {
    const r = await cli(['status', id, '-o', 'json']);
    expect(r.code, explain(r)).toBe(0);
    return JSON.parse(r.stdout) as Report;
  }
  const ready = (report: Report, node: string) => Object.values(report[node].instances).filter((i) => i.state === 'ready');
  async function page(ip: string): Promise<{ code: number; title: string; body: string }> {
    const res = await fetch(INSTALL(ip), { signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    return { code: res.status, title: /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? '', body };
  }

  it('apply --wait: mysql_server passes its mysqldbs check, wordpress its install-page check', async () => {
    const started = Date.now();
    const r = await cli(['apply', infra, '--nodes', 'nodes/node_definitions.yaml', '--auth', auth, '--id', id, '--wait', '--timeout', '600'], 660_000);
    expect(r.code, explain(r)).toBe(0);
    console.info(`[wordpress-mysql] apply --wait: ${Date.now() - started} ms\n${r.stdout}`);
    const report = await status();
    expect(ready(report, 'mysql_server')).toHaveLength(1);
    expect(ready(report, 'wordpress')).toHaveLength(1);
    // each instance's last probes, as the controller persisted them: the mysqldbs and install-page checks ran and passed
    const store = openSqliteStore(session.state, { readonly: true });
    try {
      for (const inst of await store.listInstances(id)) {
        const probes = (inst.snapshot as { context?: { lastProbes?: Probe[] } }).context?.lastProbes ?? [];
        expect(probes.filter((p) => !p.ok), inst.id).toEqual([]);
        const expected = inst.node === 'mysql_server'
          ? { name: 'mysqldb wordpress', ok: true, detail: `mysqldb wordpress as wpuser on ${inst.addresses.ip}:3306: ready` }
          : { name: `url ${INSTALL(inst.addresses.ip!)}`, ok: true, detail: expect.stringContaining('200') };
        expect(probes, inst.id).toEqual(expect.arrayContaining([expected]));
      }
    } finally {
      await store.close();
    }
  }, 700_000);

  it('the install page is served from the database; the database has the user and its rights', async () => {
    const report = await status();
    const dbIp = ready(report, 'mysql_server')[0].resource_address!;
    const wpIp = ready(report, 'wordpress')[0].resource_address!;
    const shown = await page(wpIp);
    console.info(`[wordpress-mysql] ${INSTALL(wpIp)}: HTTP ${shown.code}, title "${shown.title}"`);
    expect(shown.code).toBe(200);
    expect(shown.title).toBe('WordPress &rsaquo; Installation');
    // the db as the mysqldbs check sees it, from this process (a container this suite created)
    const conn = await createConnection({ host: dbIp, user: 'wpuser', password: secrets.user, database: 'wordpress', connectTimeout: 5000 });
    try {
      const [rows] = await conn.query('SELECT DATABASE() AS db, CURRENT_USER() AS who');
      expect(rows).toEqual([{ db: 'wordpress', who: 'wpuser@%' }]);
    } finally {
      conn.destroy();
    }
    // without its database the page fails: it really answers from MariaDB
    const [db] = await containersOf(id, 'mysql_server');
    const exec = async (cmd: string[]) => {
      const e = await engine.getContainer(db.Id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const stream = await e.start({});
      await new Promise((r) => stream.on('end', r).resume());
      return (await e.inspect()).ExitCode;
    };
    expect(await exec(['/etc/init.d/mariadb', 'stop'])).toBe(0);
    const down = await page(wpIp);
    expect(down.code).toBe(500);
    expect(down.body).toContain('Error establishing a database connection');
    expect(await exec(['/etc/init.d/mariadb', 'start'])).toBe(0);
    expect((await page(wpIp)).code).toBe(200);
  }, 120_000);

  it('scale wordpress 1 → 2: the new site is configured against the same database', async () => {
    const r = await cli(['scale', id, 'wordpress', '--to', '2', '--wait', '--timeout', '400'], 450_000);
    expect(r.code, explain(r)).toBe(0);
    const sites = ready(await status(), 'wordpress');
    expect(sites).toHaveLength(2);
    expect(await containersOf(id, 'wordpress')).toHaveLength(2);
    for (const s of sites) expect((await page(s.resource_address!)).title).toBe('WordPress &rsaquo; Installation');
  }, 480_000);

  it("no password in reef serve's API answers", async () => {
    const port = await freePort();
    const serve = spawn(process.execPath, [REEF, '--state', session.state, 'serve', '--port', String(port)], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    try {
      const base = `http://127.0.0.1:${port}`;
      const token = await waitForToken(join(session.dir, 'api-token'), base);
      const headers = { authorization: `Bearer ${token}` };
      const answers: Record<string, string> = {};
      for (const path of [`/v1/infras`, `/v1/infras/${id}`, `/v1/infras/${id}/events?follow=false&limit=1000`, `/infrastructures/${id}`, '/infrastructures/', '/v1/nodedefs']) {
        const res = await fetch(base + path, { headers, signal: AbortSignal.timeout(10_000) });
        expect(res.status, path).toBe(200);
        answers[path] = await res.text();
      }
      expect(answers[`/v1/infras/${id}`]).toContain('mysql_server');
      for (const [path, body] of Object.entries(answers)) {
        expect(body.includes(secrets.user) || body.includes(secrets.root), path).toBe(false);
      }
    } finally {
      serve.kill('SIGTERM');
      await new Promise((r) => serve.once('exit', r));
    }
  }, 120_000);

  it('destroy leaves no container; no password in any output, status or event', async () => {
    const r = await cli(['destroy', id, '--wait'], 300_000);
    expect(r.code, explain(r)).toBe(0);
    expect(await containersOf(id)).toHaveLength(0);
    const logs = await cli(['logs', id, '-o', 'json']);
    expect(logs.code, explain(logs)).toBe(0);
    expect(logs.stdout).toContain('configuring');
    const everything = session.runs.map((run) => run.stdout + run.stderr).join('\n') + logs.stdout;
    for (const secret of Object.values(secrets)) expect(everything.includes(secret), secret.slice(0, 5)).toBe(false);
  }, 320_000);
});

/** reef serve writes its token file, then answers; bounded to 30 s. */
async function waitForToken(file: string, base: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const token = readFileSync(file, 'utf8').trim();
      const res = await fetch(`${base}/v1/infras`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) });
      if (res.ok) return token;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`reef serve did not answer on ${base} within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
