/**
 * Faults Zed will not produce on its own, injected by a proxy in front of the real APIs: 5xx and 429 are
 * transient (429 with Retry-After), a POST /servers whose answer is lost leaves exactly one server (found by
 * lookup, never posted twice), and connections closed after every answer do not surface as failures.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createNovaDriver } from '../../src/reconcilers/nova/index.js';
import type { NovaResource } from '../../src/reconcilers/nova/schema.js';
import type { CreateRequest } from '../../src/reconcilers/driver.js';
import { silentLogger } from '../../src/util/log.js';
import { OsClient, callContext, describeOpenStack } from './cloud.js';
import { proxiedCloud } from './fault-proxy.js';

describeOpenStack('nova driver through a fault-injecting proxy', (env) => {
  const infra = `nova-flt-${randomBytes(3).toString('hex')}`;
  const ctx = callContext();
  const creds = { username: env.username, password: env.password };
  let admin: OsClient;
  let cloud: Awaited<ReturnType<typeof proxiedCloud>>;
  let resource: NovaResource;
  const request = (n: number): CreateRequest<NovaResource> => {
    const instanceId = `web-${infra.slice(-6)}${n}`;
    return { instanceId, labels: { infra, node: 'web', instance: instanceId }, resource, credentials: creds, context: { kind: 'none' } };
  };

  beforeAll(async () => {
    admin = await OsClient.login(env, 'admin');
    const user = await OsClient.login(env, 'user');
    const upstream = new URL(env.authUrl);
    cloud = await proxiedCloud(upstream.origin, user.url('compute').replace(/\/v2\.1$/, ''), user.url('network'));
    resource = { type: 'nova', endpoint: `${cloud.keystone.url}/v3`, image_id: env.imageId, flavor_name: 'm1.tiny',
      project_id: user.projectId, network_id: env.networkId };
  });
  afterAll(async () => {
    await admin?.removeInfra(infra);
    await cloud?.close();
  });

  it('classifies 503 and 429 (with Retry-After) as transient', async () => {
    const d = createNovaDriver({ stateDir: '/tmp', log: silentLogger() });
    cloud.nova.inject({ method: 'GET', path: /^\/v2\.1\/servers\/detail/, action: { status: 503 } });
    const e503 = await d.list({ resource, infraId: infra, credentials: creds }, ctx).catch((x: unknown) => x);
    expect(e503).toMatchObject({ code: 'REEF_NOVA_UNAVAILABLE', transient: true });
    cloud.nova.inject({ method: 'GET', path: /^\/v2\.1\/servers\/detail/, action: { status: 429, retryAfterS: 3, body: { overLimit: { code: 429, message: 'Over limit' } } } });
    const e429 = await d.list({ resource, infraId: infra, credentials: creds }, ctx).catch((x: unknown) => x);
    expect(e429).toMatchObject({ code: 'REEF_NOVA_THROTTLED', transient: true, retryAfterMs: 3_000 });
    expect(await d.list({ resource, infraId: infra, credentials: creds }, ctx)).toEqual([]);
    await d.close?.();
  }, 60_000);

  it('a lost POST /servers answer: the server is found by lookup and never posted twice', async () => {
    const d = createNovaDriver({ stateDir: '/tmp', log: silentLogger() }, { lostAnswerWindowMs: 60_000 });
    cloud.nova.inject({ method: 'POST', path: /^\/v2\.1\/servers$/, action: 'drop-answer' });
    const req = request(1);
    const created = await d.create(req, ctx);
    expect(cloud.nova.count('POST', /^\/v2\.1\/servers$/)).toBe(1);
    expect(cloud.nova.seen.find((s) => s.method === 'POST')?.outcome).toBe('dropped 202');
    const servers = (await admin.serversOf(infra)).filter((s) => s.metadata['reef.instance'] === req.instanceId);
    expect(servers.map((s) => s.id)).toEqual([created.ref.id]);
    // the controller retrying the create finds it too
    expect((await d.create(req, ctx)).ref.id).toBe(created.ref.id);
    expect(cloud.nova.count('POST', /^\/v2\.1\/servers$/)).toBe(1);
    await d.destroy({ ref: created.ref, resource, credentials: creds }, ctx);
    await d.close?.();
  }, 180_000);

  it('a 500 on POST /servers: reef looks for the server first, then the retried create makes exactly one', async () => {
    const d = createNovaDriver({ stateDir: '/tmp', log: silentLogger() }, { lostAnswerWindowMs: 4_000 });
    cloud.nova.inject({ method: 'POST', path: /^\/v2\.1\/servers$/, action: { status: 500 } });
    const req = request(2);
    const first = await d.create(req, ctx).catch((x: unknown) => x);
    expect(first).toMatchObject({ code: 'REEF_NOVA_UNAVAILABLE', transient: true });
    const created = await d.create(req, ctx);
    expect((await admin.serversOf(infra)).filter((s) => s.metadata['reef.instance'] === req.instanceId)).toHaveLength(1);
    await d.destroy({ ref: created.ref, resource, credentials: creds }, ctx);
    await d.close?.();
  }, 180_000);

  it('connections closed after every answer (no Connection: close) do not surface as failures', async () => {
    const d = createNovaDriver({ stateDir: '/tmp', log: silentLogger() });
    for (const p of [cloud.keystone, cloud.nova]) p.closeKeptAlive = true;
    try {
      for (let i = 0; i < 5; i++) await d.list({ resource, infraId: infra, credentials: creds }, ctx);
    } finally {
      for (const p of [cloud.keystone, cloud.nova]) p.closeKeptAlive = false;
    }
    await d.close?.();
  }, 60_000);
});
