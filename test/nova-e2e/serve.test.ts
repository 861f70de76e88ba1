/**
 * Healing under `reef serve` against real OpenStack: a server deleted out of band (DELETE /servers/{id}
 * behind reef's back) is replaced; then kill -9 of a reef apply while it creates: a second apply adopts what
 * the first made (no twin), and destroy leaves no server and no floating IP behind.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REEF } from '../helpers/cli.js';
import { OsClient, describeOpenStack } from '../nova/cloud.js';
import { explain, novaSite, status, type NovaSite } from './site.js';

describeOpenStack('nova under reef serve, and kill -9 mid-create', (env) => {
  let admin: OsClient;
  let projectId: string;
  const sites: NovaSite[] = [];
  let server: ChildProcess | undefined;
  const endpoint = env.authUrl.replace(/\/v3$/, '');

  beforeAll(async () => {
    admin = await OsClient.login(env, 'admin');
    projectId = (await OsClient.login(env, 'user')).projectId;
  });
  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    for (const s of sites) {
      await admin?.removeInfra(s.id);
      s.cleanup();
    }
  }, 180_000);

  it('a server deleted out of band is replaced by reef serve', async () => {
    const site = novaSite(env, 'serve', { endpoint, projectId, networkId: env.networkId });
    sites.push(site);
    let log = '';
    server = spawn(process.execPath, [REEF, '--state', join(site.dir, 'state.db'), '--log-level', 'info', 'serve', '--port', '0',
      '--auth', join(site.dir, 'auth.yaml')],
      { cwd: site.dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (d) => (log += d));
    server.stderr?.on('data', (d) => (log += d));
    await admin.until('reef serve listens', async () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(log), 60_000);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)![1];
    const apply = await site.reef(['--server', url, 'apply', ...site.applyArgs, '--wait', '--timeout', '400'], { timeoutMs: 450_000 });
    expect(apply.code, `${explain(apply)}\nserver: ${log.slice(-3000)}`).toBe(0);
    const [victim] = (await admin.serversOf(site.id)).filter((s) => s.metadata['reef.node'] === 'ping-sender');
    const deletedAt = Date.now();
    expect((await admin.compute('DELETE', `/servers/${victim.id}`)).status).toBe(204);
    await admin.until('a new sender is ACTIVE', async () => {
      const senders = (await admin.serversOf(site.id)).filter((s) => s.metadata['reef.node'] === 'ping-sender');
      return senders.length === 1 && senders[0].id !== victim.id && senders[0].status === 'ACTIVE';
    }, 300_000);
    await admin.until('reef reports it ready', async () => {
      const r = await site.reef(['--server', url, 'status', site.id, '-o', 'json']);
      const inst = Object.values(JSON.parse(r.stdout)['ping-sender'].instances) as Array<{ state: string }>;
      return inst.length === 1 && inst[0].state === 'ready';
    }, 300_000);
    console.info(`[nova e2e] out-of-band delete healed under reef serve in ${Date.now() - deletedAt} ms`);
    const destroy = await site.reef(['--server', url, 'destroy', site.id, '--wait', '--timeout', '300'], { timeoutMs: 350_000 });
    expect(destroy.code, explain(destroy)).toBe(0);
    server.kill('SIGTERM');
  }, 1_200_000);

  it('kill -9 of reef while it creates: no twin, and destroy leaks no server or floating IP', async () => {
    const site = novaSite(env, 'kill', { endpoint, projectId, networkId: env.networkId });
    sites.push(site);
    const child = spawn(process.execPath, [REEF, '--state', join(site.dir, 'state.db'), 'apply', ...site.applyArgs, '--wait', '--timeout', '400'],
      { cwd: site.dir, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
    // the receiver's create waits for ACTIVE before its floating IP: kill while its server exists and create has not returned
    await admin.until('the receiver server exists', async () => (await admin.serversOf(site.id)).length > 0, 300_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = await admin.serversOf(site.id);
    const again = await site.reef(['apply', ...site.applyArgs, '--wait', '--timeout', '400'], { timeoutMs: 450_000 });
    expect(again.code, explain(again)).toBe(0);
    const servers = await admin.serversOf(site.id);
    const byInstance = new Map<string, number>();
    for (const s of servers) byInstance.set(s.metadata['reef.instance'], (byInstance.get(s.metadata['reef.instance']) ?? 0) + 1);
    expect([...byInstance.values()].every((n) => n === 1)).toBe(true);
    expect(servers).toHaveLength(2);
    // the server the killed run made was adopted, not replaced by a second one
    expect(servers.map((s) => s.id)).toEqual(expect.arrayContaining(before.map((s) => s.id)));
    const report = await status(site);
    expect(Object.values(report['ping-receiver'].instances)[0].resource_address).toMatch(/^203\.0\.113\./);
    const ids = servers.map((s) => s.id);
    const destroy = await site.reef(['destroy', site.id, '--wait', '--timeout', '300'], { timeoutMs: 350_000 });
    expect(destroy.code, explain(destroy)).toBe(0);
    await admin.until('servers gone', async () => (await admin.serversOf(site.id)).length === 0);
    expect(await admin.reefFloatingIps(ids)).toEqual([]);
  }, 1_200_000);
});
