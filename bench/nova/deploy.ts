/**
 * Child: N servers (default 20) on the local OpenStack (scripts/openstack/openstack.sh), two ways:
 *   reef      `reef apply --wait` of one node with N instances, then `reef destroy --wait` (CLI subprocesses)
 *   direct    the same POST /servers and DELETE /servers/{id} issued straight at Nova at reef's concurrency,
 *             one GET /servers/detail every 2 s until all are ACTIVE (resp. gone)
 * Reports wall times. Servers are never contacted (the fake hypervisor boots nothing).
 *   node deploy.js N
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EndpointLimiter } from '../../src/controller/limiter.js';
import { DEFAULT_OPTIONS } from '../../src/controller/options.js';
import { report, repoRoot } from '../lib/child.js';

const N = Number(process.argv[2] ?? 20);
const concurrency = DEFAULT_OPTIONS.concurrency;

/** The set-up's env files (openrc, appcred.env) as a map; undefined when the cloud is not there. */
export function openStackEnv(): Record<string, string> | undefined {
  const dir = process.env.REEF_OS_DIR ?? '/var/tmp/reef-openstack';
  if (!existsSync(`${dir}/openrc`)) return undefined;
  const out: Record<string, string> = {};
  for (const m of readFileSync(`${dir}/openrc`, 'utf8').matchAll(/^export ([A-Z_]+)=['"]?([^'"\n]*)['"]?$/gm)) out[m[1]] = m[2];
  return { ...out, ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(OS_|REEF_OS_)/.test(k))) as Record<string, string> };
}

async function login(env: Record<string, string>) {
  const res = await fetch(`${env.OS_AUTH_URL}/auth/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: env.OS_USERNAME, domain: { name: 'Default' }, password: env.OS_PASSWORD } } },
      scope: { project: { name: env.OS_PROJECT_NAME, domain: { name: 'Default' } } } } }) });
  const body = await res.json() as any;
  const compute = body.token.catalog.find((c: any) => c.type === 'compute').endpoints.find((e: any) => e.interface === 'public').url;
  return { token: res.headers.get('x-subject-token')!, projectId: body.token.project.id as string, compute: compute.replace(/\/$/, '') };
}

async function main(): Promise<void> {
  const env = openStackEnv();
  if (!env) return report({ skipped: 'no OpenStack here (scripts/openstack/openstack.sh up)' });
  const os = await login(env);
  const nova = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${os.compute}${path}`, { method, headers: { 'X-Auth-Token': os.token, 'Content-Type': 'application/json',
      'OpenStack-API-Version': 'compute 2.79' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const namedLike = async (prefix: string) => ((await nova('GET', `/servers/detail?name=${encodeURIComponent(`^${prefix}`)}&limit=1000`)).servers as any[]);
  const waitFor = async (prefix: string, done: (servers: any[]) => boolean) => {
    for (let i = 0; i < 600; i++) {
      const servers = await namedLike(prefix);
      if (servers.some((s) => s.status === 'ERROR')) throw new Error(`${prefix}: a server went to ERROR`);
      if (done(servers)) return;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    throw new Error(`${prefix}: not done within 20 min`);
  };

  // reef through its CLI
  const dir = mkdtempSync(join(tmpdir(), 'reef-bench-nova-'));
  const id = `bench-nova-${randomBytes(3).toString('hex')}`;
  writeFileSync(join(dir, 'infra.yaml'), `infra_name: ${id}\nnodes:\n  - name: server\n    type: bench_server\n    scaling: { min: ${N}, max: ${N} }\n`);
  writeFileSync(join(dir, 'nodes.yaml'), `'node_def:bench_server':\n  - resource:\n      type: nova\n      endpoint: ${env.OS_AUTH_URL}\n` +
    `      project_id: ${os.projectId}\n      image_id: ${env.REEF_OS_IMAGE_ID}\n      network_id: ${env.REEF_OS_NETWORK_ID}\n      flavor_name: m1.tiny\n` +
    `    contextualisation:\n      type: cloudinit\n      context_template: "#cloud-config\\nruncmd:\\n  - echo bench\\n"\n    health_check:\n      ping: false\n`);
  writeFileSync(join(dir, 'auth.yaml'), `resource:\n  - type: nova\n    auth_data: { username: ${env.OS_USERNAME}, password: ${env.OS_PASSWORD} }\n`);
  const cli = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'reef.js'), '--state', join(dir, 'state.db'), ...args],
      { encoding: 'utf8', timeout: 1_200_000, env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'warn' } });
    if (r.status !== 0) throw new Error(`reef ${args[0]}: exit ${r.status}: ${r.stderr.slice(-2000)}`);
    return performance.now() - t0;
  };
  let reefDeployMs: number;
  let reefDestroyMs: number;
  try {
    reefDeployMs = cli(['apply', join(dir, 'infra.yaml'), '--nodes', join(dir, 'nodes.yaml'), '--auth', join(dir, 'auth.yaml'), '--wait', '--timeout', '1200']);
    reefDestroyMs = cli(['destroy', id, '--wait', '--timeout', '1200']);
    await waitFor(`reef-${id}-`, (s) => s.length === 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // the same work straight at the API
  const prefix = `bench-direct-${randomBytes(3).toString('hex')}-`;
  const limiter = new EndpointLimiter({ concurrency });
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: N }, (_, i) => limiter.run(async () =>
    (await nova('POST', '/servers', { server: { name: `${prefix}${i}`, imageRef: env.REEF_OS_IMAGE_ID, flavorRef: '1',
      networks: [{ uuid: env.REEF_OS_NETWORK_ID }], user_data: Buffer.from('#cloud-config\nruncmd:\n  - echo bench\n').toString('base64') } })).server.id as string)));
  await waitFor(prefix, (s) => s.length === N && s.every((x) => x.status === 'ACTIVE'));
  const directDeployMs = performance.now() - t0;
  const t1 = performance.now();
  await Promise.all(ids.map((sid) => limiter.run(() => nova('DELETE', `/servers/${sid}`))));
  await waitFor(prefix, (s) => s.length === 0);
  const directDestroyMs = performance.now() - t1;
  report({ servers: N, concurrency, reefDeployMs, reefDestroyMs, directDeployMs, directDestroyMs });
}

await main();
