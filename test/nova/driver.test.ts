/**
 * The nova driver against real OpenStack (Zed, fake hypervisor): create with a floating IP, no twin on a
 * repeated create, one tag-filtered list, destroy releasing the floating IP, application credentials, token
 * reuse and renewal, errors classified from the real answers. Server addresses are never contacted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { observeViaList } from '../drivers/observe.js';
import { randomBytes } from 'node:crypto';
import { createNovaDriver } from '../../src/reconcilers/nova/index.js';
import type { NovaResource } from '../../src/reconcilers/nova/schema.js';
import type { CallContext, CreateRequest, Observation } from '../../src/reconcilers/driver.js';
import { isReefError } from '../../src/reconcilers/errors.js';
import { silentLogger } from '../../src/util/log.js';
import { OsClient, callContext, describeOpenStack } from './cloud.js';

describeOpenStack('nova driver against real OpenStack', (env) => {
  const infra = `nova-drv-${randomBytes(3).toString('hex')}`;
  const driver = createNovaDriver({ stateDir: '/tmp', log: silentLogger() }, { pollMs: 1_000 });
  const ctx = callContext();
  const creds = { username: env.username, password: env.password };
  let admin: OsClient;
  let resource: NovaResource;
  const request = (node: string, n: number, extra: Partial<NovaResource> = {}, credentials: Record<string, unknown> = creds): CreateRequest<NovaResource> => {
    const instanceId = `${node}-${infra.slice(-6)}${n}`;
    return { instanceId, labels: { infra, node, instance: instanceId }, resource: { ...resource, ...extra }, credentials,
      context: { kind: 'cloudinit', userData: '#cloud-config\nruncmd:\n - echo reef\n' } };
  };
  const until = async (what: string, read: () => Promise<Observation>, ok: (o: Observation) => boolean): Promise<Observation> => {
    let last: Observation | undefined;
    await admin.until(what, async () => ok((last = await read())), 180_000);
    return last!;
  };

  beforeAll(async () => {
    admin = await OsClient.login(env, 'admin');
    const user = await OsClient.login(env, 'user');
    resource = { type: 'nova', endpoint: env.authUrl.replace(/\/v3$/, ''), image_id: env.imageId, flavor_name: 'm1.tiny',
      project_id: user.projectId, network_id: env.networkId, key_name: env.keyName, security_groups: ['default'] };
  });
  afterAll(async () => {
    await admin?.removeInfra(infra);
    await driver.close?.();
  });

  it('creates a server with a floating IP, labelled and tagged; a repeated create adopts it instead of making a twin', async () => {
    const req = request('web', 1, { floating_ip: 'yes', floating_ip_pool: 'public' });
    const created = await driver.create(req, ctx);
    expect(created.addresses?.ip).toMatch(/^203\.0\.113\./);
    expect(created.addresses?.privateIp).toMatch(/^10\.10\.0\./);
    const again = await driver.create(req, ctx);
    expect(again.ref.id).toBe(created.ref.id);
    const servers = await admin.serversOf(infra);
    expect(servers).toHaveLength(1);
    expect(servers[0].name).toBe(`reef-${infra}-web-${infra.slice(-6)}1`);
    expect(servers[0].metadata).toEqual({ 'reef.infra': infra, 'reef.node': 'web', 'reef.instance': req.instanceId });
    expect(servers[0].tags).toEqual(expect.arrayContaining(['reef', `reef-infra:${infra}`]));
    const observed = await until('floating address visible', () => observeViaList(driver, { ref: created.ref, resource: req.resource, credentials: creds }, ctx),
      (o) => o.exists && o.phase === 'running' && o.addresses.ip === created.addresses?.ip);
    expect(observed).toMatchObject({ exists: true, phase: 'running', labels: req.labels, addresses: created.addresses });
    expect(await admin.reefFloatingIps([created.ref.id])).toHaveLength(1);
  }, 240_000);

  it('lists reef servers of the infra with one tag-filtered, paginated call series', async () => {
    const small = createNovaDriver({ stateDir: '/tmp', log: silentLogger() }, { pageSize: 1 });
    const second = await small.create(request('db', 2), ctx);
    const listed = await small.list({ resource, infraId: infra, credentials: creds }, ctx);
    expect(listed.map((o) => o.exists && o.labels.node).sort()).toEqual(['db', 'web']);
    expect(listed.every((o) => o.ref.driver === 'nova' && o.ref.endpoint === driver.endpointKey(resource))).toBe(true);
    expect(await small.list({ resource, infraId: `${infra}-other`, credentials: creds }, ctx)).toEqual([]);
    await small.destroy({ ref: second.ref, resource, credentials: creds }, ctx);
    await small.close?.();
  }, 240_000);

  it('destroys the server and releases its floating IP; a second destroy is fine', async () => {
    const [server] = (await admin.serversOf(infra)).filter((s) => s.metadata['reef.node'] === 'web');
    const ref = { driver: 'nova', endpoint: driver.endpointKey(resource), id: server.id };
    await driver.destroy({ ref, resource, credentials: creds }, ctx);
    expect(await admin.reefFloatingIps([server.id])).toEqual([]);
    await until('server gone', () => observeViaList(driver, { ref, resource, credentials: creds }, ctx), (o) => !o.exists);
    await driver.destroy({ ref, resource, credentials: creds }, ctx);
  }, 240_000);

  it('authenticates with an application credential (unscoped) and reuses its token', async () => {
    if (!env.appCredId || !env.appCredSecret) throw new Error('the set-up exported no application credential');
    const d = createNovaDriver({ stateDir: '/tmp', log: silentLogger() });
    const appcred = { type: 'application_credential', id: env.appCredId, secret: env.appCredSecret };
    const created = await d.create(request('app', 3, {}, appcred), ctx);
    await d.list({ resource, infraId: infra, credentials: appcred }, ctx);
    await observeViaList(d, { ref: created.ref, resource, credentials: appcred }, ctx);
    expect(d.tokens.issued).toBe(1);
    await d.destroy({ ref: created.ref, resource, credentials: appcred }, ctx);
    await d.close?.();
  }, 240_000);

  it('renews the token before it expires (clock moved past the renewal point)', async () => {
    const d = createNovaDriver({ stateDir: '/tmp', log: silentLogger() });
    let offset = 0;
    const late: CallContext = { ...ctx, clock: { ...ctx.clock, now: () => Date.now() + offset } };
    await d.list({ resource, infraId: infra, credentials: creds }, late);
    await d.list({ resource, infraId: infra, credentials: creds }, late);
    expect(d.tokens.issued).toBe(1);
    offset = 4 * 3_600_000 - 30_000; // the test cloud's tokens live 4 h
    await d.list({ resource, infraId: infra, credentials: creds }, late);
    expect(d.tokens.issued).toBe(2);
    await d.close?.();
  }, 60_000);

  it("fails at once with Keystone's words for a wrong password and creates nothing", async () => {
    const started = Date.now();
    const e = await driver.create(request('bad', 4, {}, { username: env.username, password: 'wrong-password' }), ctx).catch((x: unknown) => x);
    expect(isReefError(e) && e.code).toBe('REEF_NOVA_AUTH_FAILED');
    expect((e as Error).message).toMatch(/keystone said: The request you have made requires authentication\. \(HTTP 401\)/);
    expect((e as Error).message).not.toContain('wrong-password');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await admin.serversOf(infra)).filter((s) => s.metadata['reef.node'] === 'bad')).toEqual([]);
    // Keystone's no is believed for a while: a retry fails at once without another failed login
    const issued = driver.tokens.issued;
    const again = await driver.create(request('bad', 4, {}, { username: env.username, password: 'wrong-password' }), ctx).catch((x: unknown) => x);
    expect(again).toBe(e);
    expect(driver.tokens.issued).toBe(issued);
  }, 60_000);

  it('classifies an unknown flavor, image and key pair as fatal with the cloud\'s words', async () => {
    const flavor = await driver.create(request('bad', 5, { flavor_name: 'no-such-flavor' }), ctx).catch((x: unknown) => x);
    expect(flavor).toMatchObject({ code: 'REEF_NOVA_FLAVOR_NOT_FOUND', transient: false });
    const image = await driver.create(request('bad', 6, { image_id: '00000000-0000-0000-0000-000000000000' }), ctx).catch((x: unknown) => x);
    expect(image).toMatchObject({ code: 'REEF_NOVA_BAD_REQUEST', transient: false });
    expect((image as Error).message).toMatch(/image/i);
    const key = await driver.create(request('bad', 7, { key_name: 'no-such-key' }), ctx).catch((x: unknown) => x);
    expect(key).toMatchObject({ code: 'REEF_NOVA_BAD_REQUEST' });
    expect((key as Error).message).toContain('Invalid key_name provided.');
    expect((await admin.serversOf(infra)).filter((s) => s.metadata['reef.node'] === 'bad')).toEqual([]);
  }, 120_000);

  it('reports "No valid host" from an ERROR server as failed with the fault', async () => {
    const res = await admin.compute('POST', '/flavors', { flavor: { name: `reef-huge-${infra}`, ram: 512, vcpus: 1, disk: 700_000 } });
    const flavorId = res.json.flavor.id as string;
    try {
      const created = await driver.create(request('huge', 8, { flavor_name: flavorId }), ctx);
      const o = await until('server ERROR', () => observeViaList(driver, { ref: created.ref, resource, credentials: creds }, ctx), (x) => x.exists && x.phase !== 'pending');
      expect(o).toMatchObject({ exists: true, phase: 'failed' });
      expect(o.exists && o.reason).toMatch(/No valid host was found/);
      // with a floating IP, create itself waits for ACTIVE: the same fault is a fatal error and the server is removed
      const e = await driver.create(request('huge', 9, { flavor_name: flavorId, floating_ip: true }), ctx).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'REEF_NOVA_NO_VALID_HOST', transient: false });
      await admin.until('failed server removed', async () => (await admin.serversOf(infra)).every((s) => s.metadata['reef.instance'] !== `huge-${infra.slice(-6)}9`));
    } finally {
      await admin.compute('DELETE', `/flavors/${flavorId}`);
    }
  }, 300_000);
});
