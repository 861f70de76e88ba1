/**
 * The real OpenStack the nova suites run against (scripts/openstack/openstack.sh, started by
 * .ci/setup.d/50-openstack.sh): its client environment, an admin client for quotas and leak checks, and the
 * suite gate. In CI a missing cloud fails the suites; elsewhere they are skipped with the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe } from 'vitest';
import { systemClock } from '../../src/controller/clock.js';
import type { CallContext } from '../../src/reconcilers/driver.js';
import { silentLogger } from '../../src/util/log.js';

export interface OsEnv {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  imageId: string;
  networkId: string;
  publicNetworkId: string;
  keyName: string;
  appCredId?: string;
  appCredSecret?: string;
  adminPassword: string;
}

/** `export K=V` lines of the set-up's env files, so a local run needs no `source`. */
function fromFiles(): Record<string, string> {
  const dir = process.env.REEF_OS_DIR ?? '/var/tmp/reef-openstack';
  const out: Record<string, string> = {};
  for (const f of ['openrc', 'appcred.env']) {
    const p = `${dir}/${f}`;
    if (!existsSync(p)) continue;
    for (const m of readFileSync(p, 'utf8').matchAll(/^export ([A-Z_]+)=['"]?([^'"\n]*)['"]?$/gm)) out[m[1]] = m[2];
  }
  return out;
}

export function osEnv(): OsEnv | undefined {
  const e = { ...fromFiles(), ...process.env } as Record<string, string | undefined>;
  if (!e.OS_AUTH_URL || !e.REEF_OS_IMAGE_ID || !e.OS_PASSWORD) return undefined;
  return {
    authUrl: e.OS_AUTH_URL, username: e.OS_USERNAME ?? 'reef', password: e.OS_PASSWORD, projectName: e.OS_PROJECT_NAME ?? 'reef',
    imageId: e.REEF_OS_IMAGE_ID, networkId: e.REEF_OS_NETWORK_ID ?? '', publicNetworkId: e.REEF_OS_PUBLIC_NETWORK_ID ?? '',
    keyName: e.REEF_OS_KEY_NAME ?? 'reef-key', appCredId: e.OS_APPLICATION_CREDENTIAL_ID, appCredSecret: e.OS_APPLICATION_CREDENTIAL_SECRET,
    adminPassword: e.REEF_OS_ADMIN_PASSWORD ?? 'admin-secret',
  };
}

/** describe() when the cloud is there; in CI a failing suite when not; else a skipped one. */
export function describeOpenStack(name: string, fn: (env: OsEnv) => void): void {
  const env = osEnv();
  if (env) {
    describe(name, () => fn(env));
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      throw new Error('no OpenStack environment (OS_AUTH_URL, REEF_OS_IMAGE_ID): .ci/setup.d/50-openstack.sh should have started it');
    });
    return;
  }
  describe.skip(`${name} (no OpenStack here: run scripts/openstack/openstack.sh up)`, () => undefined);
}

export function callContext(signal: AbortSignal = new AbortController().signal): CallContext {
  return { signal, clock: systemClock, log: silentLogger() };
}

async function call(method: string, url: string, token: string | undefined, body?: unknown): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(url, {
    method, signal: AbortSignal.timeout(60_000),
    headers: { 'Content-Type': 'application/json', 'OpenStack-API-Version': 'compute 2.79', ...(token ? { 'X-Auth-Token': token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

/** A plain admin (or user) client for what tests check behind reef's back. */
export class OsClient {
  private constructor(readonly token: string, readonly projectId: string, private readonly catalog: any[]) {}

  static async login(env: OsEnv, as: 'admin' | 'user'): Promise<OsClient> {
    const [name, password, project] = as === 'admin' ? ['admin', env.adminPassword, 'admin'] : [env.username, env.password, env.projectName];
    const res = await call('POST', `${env.authUrl}/auth/tokens`, undefined, { auth: {
      identity: { methods: ['password'], password: { user: { name, domain: { name: 'Default' }, password } } },
      scope: { project: { name: project, domain: { name: 'Default' } } } } });
    if (res.status !== 201) throw new Error(`keystone login as ${name}: HTTP ${res.status}`);
    return new OsClient(res.headers.get('x-subject-token')!, res.json.token.project.id, res.json.token.catalog);
  }

  url(type: string): string {
    return this.catalog.find((c) => c.type === type).endpoints.find((e: any) => e.interface === 'public').url.replace(/\/$/, '');
  }

  compute(method: string, path: string, body?: unknown) {
    return call(method, `${this.url('compute')}${path}`, this.token, body);
  }

  network(method: string, path: string, body?: unknown) {
    return call(method, `${this.url('network')}/v2.0${path}`, this.token, body);
  }

  /** Servers (all projects for admin) whose metadata names this infra. */
  async serversOf(infra: string): Promise<any[]> {
    const res = await this.compute('GET', '/servers/detail?all_tenants=1&limit=1000');
    return (res.json.servers as any[]).filter((s) => s.metadata?.['reef.infra'] === infra);
  }

  /** Floating IPs reef allocated (description "reef-server:…") for these server ids, or all of reef's. */
  async reefFloatingIps(serverIds?: string[]): Promise<any[]> {
    const res = await this.network('GET', '/floatingips');
    return (res.json.floatingips as any[]).filter((f) => /reef-server:/.test(f.description ?? '') &&
      (!serverIds || serverIds.some((id) => f.description.includes(`reef-server:${id}`))));
  }

  async setInstanceQuota(projectId: string, instances: number): Promise<void> {
    const res = await this.compute('PUT', `/os-quota-sets/${projectId}`, { quota_set: { instances, cores: Math.max(instances, 200), ram: 512_000 } });
    if (res.status !== 200) throw new Error(`quota: HTTP ${res.status} ${JSON.stringify(res.json)}`);
  }

  /** Deletes this infra's servers and their floating IPs (afterAll). */
  async removeInfra(infra: string): Promise<number> {
    const servers = await this.serversOf(infra);
    const fips = await this.reefFloatingIps(servers.map((s) => s.id));
    await Promise.all(fips.map((f) => this.network('DELETE', `/floatingips/${f.id}`)));
    await Promise.all(servers.map((s) => this.compute('DELETE', `/servers/${s.id}`)));
    return servers.length;
  }

  /** Polls (every 2 s, bounded) until `check` returns true. */
  async until(what: string, check: () => Promise<boolean>, withinMs = 120_000): Promise<void> {
    const end = Date.now() + withinMs;
    while (Date.now() < end) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    throw new Error(`${what}: not within ${withinMs} ms`);
  }
}

export interface TestProject {
  projectId: string;
  networkId: string;
  username: string;
  password: string;
  remove(): Promise<void>;
}

/**
 * A project of its own (user with role member, a VLAN network, the reef-key key pair), so a quota can be
 * lowered without touching the suites that share project reef. Removed with remove().
 */
export async function makeProject(env: OsEnv, admin: OsClient, name: string): Promise<TestProject> {
  const identity = env.authUrl;
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${identity}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Auth-Token': admin.token }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`POST ${path}: HTTP ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  const password = `pw-${name}`;
  const project = (await post('/projects', { project: { name, domain_id: 'default' } })).project;
  const user = (await post('/users', { user: { name, domain_id: 'default', password, default_project_id: project.id } })).user;
  const roles = await (await fetch(`${identity}/roles?name=member`, { headers: { 'X-Auth-Token': admin.token } })).json() as any;
  await fetch(`${identity}/projects/${project.id}/users/${user.id}/roles/${roles.roles[0].id}`, { method: 'PUT', headers: { 'X-Auth-Token': admin.token } });
  const net = (await admin.network('POST', '/networks', { network: { name: `${name}-net`, project_id: project.id } })).json.network;
  await admin.network('POST', '/subnets', { subnet: { name: `${name}-subnet`, network_id: net.id, project_id: project.id, ip_version: 4, cidr: '10.20.0.0/24' } });
  const pub = readFileSync(`${process.env.REEF_OS_DIR ?? '/var/tmp/reef-openstack'}/reef-key.pub`, 'utf8').trim();
  await admin.compute('POST', '/os-keypairs', { keypair: { name: env.keyName, public_key: pub, user_id: user.id } });
  return {
    projectId: project.id, networkId: net.id, username: name, password,
    async remove() {
      const servers = (await admin.compute('GET', `/servers/detail?all_tenants=1&project_id=${project.id}`)).json.servers as any[];
      await Promise.all(servers.map((s) => admin.compute('DELETE', `/servers/${s.id}`)));
      await admin.until('project servers gone', async () =>
        ((await admin.compute('GET', `/servers?all_tenants=1&project_id=${project.id}`)).json.servers as any[]).length === 0);
      const ports = (await admin.network('GET', `/ports?network_id=${net.id}`)).json.ports as any[];
      await Promise.all(ports.filter((p) => p.device_owner !== 'network:dhcp').map((p) => admin.network('DELETE', `/ports/${p.id}`)));
      await admin.network('DELETE', `/networks/${net.id}`);
      const del = (path: string) => fetch(`${identity}${path}`, { method: 'DELETE', headers: { 'X-Auth-Token': admin.token } });
      await del(`/users/${user.id}`);
      await del(`/projects/${project.id}`);
    },
  };
}
