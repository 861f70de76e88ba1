/**
 * The nova-ping shape end to end through the reef CLI against real OpenStack: validate, apply with a
 * floating IP on the receiver and the receiver's address rendered into the sender's user data, scale the
 * sender 1 → 5 → 2 (the youngest go), destroy leaving no server and no floating IP, and the password nowhere
 * in any output or in the store. Server addresses are never contacted (ping: false).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OsClient, describeOpenStack } from '../nova/cloud.js';
import { explain, novaSite, status, type NovaSite } from './site.js';

describeOpenStack('nova-ping through the reef CLI', (env) => {
  let admin: OsClient;
  let site: NovaSite;
  const senders = async () => (await admin.serversOf(site.id)).filter((s) => s.metadata['reef.node'] === 'ping-sender');

  beforeAll(async () => {
    admin = await OsClient.login(env, 'admin');
    const user = await OsClient.login(env, 'user');
    site = novaSite(env, 'ping', { endpoint: env.authUrl.replace(/\/v3$/, ''), projectId: user.projectId, networkId: env.networkId });
  });
  afterAll(async () => {
    if (site) await admin?.removeInfra(site.id);
    site?.cleanup();
  });

  it('validates and deploys: floating IP on the receiver, its address in the sender\'s user data', async () => {
    const validate = await site.reef(['validate', ...site.applyArgs.slice(0, -2)]);
    expect(validate.code, explain(validate)).toBe(0);
    const started = Date.now();
    const run = await site.reef(['apply', ...site.applyArgs, '--wait', '--timeout', '400'], { timeoutMs: 450_000 });
    expect(run.code, explain(run)).toBe(0);
    console.info(`[nova e2e] nova-ping apply --wait: ${Date.now() - started} ms`);
    const report = await status(site);
    const [receiver] = Object.values(report['ping-receiver'].instances);
    expect(receiver.state).toBe('ready');
    expect(receiver.resource_address).toMatch(/^203\.0\.113\./);
    const servers = await admin.serversOf(site.id);
    expect(servers).toHaveLength(2);
    const sender = (await admin.compute('GET', `/servers/${(await senders())[0].id}`)).json.server;
    const userData = Buffer.from(sender['OS-EXT-SRV-ATTR:user_data'], 'base64').toString('utf8');
    expect(userData).toMatch(/^#cloud-config\n/);
    expect(userData).toContain(`ping -c 3 ${receiver.resource_address} > /tmp/ping.log`);
    const receiverServer = servers.find((s) => s.metadata['reef.node'] === 'ping-receiver');
    expect(receiverServer.name).toMatch(/^receiver-/);
    expect(await admin.reefFloatingIps([receiverServer.id])).toHaveLength(1);
  }, 480_000);

  it('scales the sender 1 → 5 → 2; the youngest three go', async () => {
    const up = await site.reef(['scale', site.id, 'ping-sender', '--to', '5', '--wait', '--timeout', '400'], { timeoutMs: 450_000 });
    expect(up.code, explain(up)).toBe(0);
    const five = await senders();
    expect(five).toHaveLength(5);
    const oldestFirst = [...five].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
    const down = await site.reef(['scale', site.id, 'ping-sender', '--to', '2', '--wait', '--timeout', '300'], { timeoutMs: 350_000 });
    expect(down.code, explain(down)).toBe(0);
    await admin.until('three senders deleted', async () => (await senders()).length === 2, 180_000);
    const kept = (await senders()).map((s) => s.id).sort();
    // the first sender was created alone, long before the other four: it must be among the two kept
    expect(kept).toContain(oldestFirst[0].id);
    expect(Object.keys((await status(site))['ping-sender'].instances)).toHaveLength(2);
  }, 900_000);

  it('destroys everything: no server and no floating IP left', async () => {
    const fipsBefore = await admin.reefFloatingIps((await admin.serversOf(site.id)).map((s) => s.id));
    expect(fipsBefore).toHaveLength(1);
    const run = await site.reef(['destroy', site.id, '--wait', '--timeout', '300'], { timeoutMs: 350_000 });
    expect(run.code, explain(run)).toBe(0);
    await admin.until('servers gone', async () => (await admin.serversOf(site.id)).length === 0, 180_000);
    const fips = ((await admin.network('GET', '/floatingips')).json.floatingips as any[]).filter((f) => fipsBefore.some((b) => b.id === f.id));
    expect(fips).toEqual([]);
  }, 400_000);

  it('the password appears in no output and no store byte', () => {
    for (const out of site.outputs) expect(out).not.toContain(env.password);
    for (const name of readdirSync(site.dir).filter((n) => n.startsWith('state.db'))) {
      expect(readFileSync(join(site.dir, name)).includes(Buffer.from(env.password))).toBe(false);
    }
  });
});
