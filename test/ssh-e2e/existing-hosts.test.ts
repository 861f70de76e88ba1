/**
 * examples/existing-hosts through the CLI: the `ssh` resource driver over a pool of two machines that "already
 * exist" (two reef-test/vm containers this suite starts with dockerode and logs in to with a password from the
 * auth file). Two instances claim and configure both hosts; a third fails fast with REEF_SSH_POOL_EXHAUSTED
 * (exit 1, no hang) while the two stay ready; destroy runs cleanup_command on each host and frees them, so a
 * new infra can claim them again. The password never shows up in debug output, `reef logs -o json` or the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { eventually, explain, uniqueId } from '../docker-e2e/e2e.js';
import { engine, leaksOf, requireVmImages, ROOT, Session, VM_IMAGE } from './harness.js';

const session = new Session();
const id = uniqueId('hosts');
const password = `pw-${randomBytes(12).toString('hex')}`;
const hosts: Array<{ container: Docker.Container; ip: string }> = [];
let infra: string;
let nodes: string;
let auth: string;

const portOpen = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host, port, timeout: 1000 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });

/** Runs `sh -c CMD` in a pool host the suite owns; returns its exit code and output. */
async function inHost(container: Docker.Container, cmd: string): Promise<{ code: number; out: string }> {
  const exec = await container.exec({ Cmd: ['sh', '-c', cmd], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d));
  await new Promise((resolve) => stream.on('end', resolve));
  const { ExitCode } = await exec.inspect();
  // the multiplexed stream's 8-byte frame headers are harmless for `includes` checks
  return { code: ExitCode ?? -1, out: Buffer.concat(chunks).toString('utf8') };
}

type Report = Record<string, { instances: Record<string, { resource_address: string | null; state: string; error?: string }> }>;

async function report(infraId: string): Promise<Report> {
  const r = await session.cli(['status', infraId, '-o', 'json']);
  expect(r.code, explain(r)).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

beforeAll(async () => {
  await requireVmImages();
  for (const n of [1, 2]) {
    const container = await engine.createContainer({
      name: `${id}-host${n}`,
      Image: VM_IMAGE,
      Env: [`ROOT_PASSWORD=${password}`],
      Labels: { 'reef-e2e.pool': id },
    });
    await container.start();
    const ip = (await container.inspect()).NetworkSettings.Networks.bridge.IPAddress;
    hosts.push({ container, ip });
  }
  for (const h of hosts) await eventually(`sshd on ${h.ip}`, async () => ((await portOpen(h.ip, 22)) ? true : undefined), 20_000, 100);
  const example = join(ROOT, 'examples', 'existing-hosts');
  infra = session.writeYaml('infra.yaml', join(example, 'infra.yaml'), (doc) => doc.setIn(['nodes', 0, 'scaling', 'max'], 3));
  nodes = session.writeYaml('nodes.yaml', join(example, 'nodes', 'node_definitions.yaml'), (doc) => {
    const resource = ['node_def:app_on_existing_host', 0, 'resource'];
    doc.setIn([...resource, 'hosts'], doc.createNode(hosts.map((h) => h.ip)));
    doc.deleteIn([...resource, 'private_key_path']);
  });
  auth = session.writeText('auth.yaml', `resource:\n  - type: ssh\n    endpoint: office-rack\n    auth_data:\n      user: root\n      password: ${password}\n`);
}, 600_000);

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.container.remove({ force: true }).catch(() => undefined)));
  session.cleanup();
});

describe('existing hosts: the ssh driver over a pool of two machines', () => {
  it('apply --wait claims both hosts and configures each with the shell manager', async () => {
    const r = await session.cli(['apply', infra, '--nodes', nodes, '--auth', auth, '--id', id, '--wait', '--timeout', '120']);
    expect(r.code, explain(r)).toBe(0);
    const app = (await report(id)).app.instances;
    expect(Object.values(app).map((i) => i.state)).toEqual(['ready', 'ready']);
    expect(Object.values(app).map((i) => i.resource_address).sort()).toEqual(hosts.map((h) => h.ip).sort());
    for (const [instance, { resource_address }] of Object.entries(app)) {
      const host = hosts.find((h) => h.ip === resource_address)!;
      const motd = await inHost(host.container, 'cat /etc/motd.d/reef');
      expect(motd.out).toContain(`managed by reef (${instance})`);
    }
  }, 150_000);

  it('a third instance fails at once with REEF_SSH_POOL_EXHAUSTED (exit 1), the two stay ready', async () => {
    const started = Date.now();
    const r = await session.cli(['scale', id, 'app', '--to', '3', '--wait', '--timeout', '90']);
    const tookMs = Date.now() - started;
    expect(r.code, explain(r)).toBe(1);
    expect(r.stdout + r.stderr).toContain('REEF_SSH_POOL_EXHAUSTED');
    expect(r.stdout + r.stderr).toMatch(/node app failed: REEF_SSH_POOL_EXHAUSTED: ssh pool "office-rack" has no free host/);
    expect(tookMs, 'failed fast rather than waiting for --timeout').toBeLessThan(60_000);
    const app = (await report(id)).app.instances;
    expect(Object.values(app).filter((i) => i.state === 'ready')).toHaveLength(2);
  }, 120_000);

  it('destroy runs cleanup_command on both hosts and frees them for another infra', async () => {
    const r = await session.cli(['destroy', id]);
    expect(r.code, explain(r)).toBe(0);
    for (const h of hosts) expect((await inHost(h.container, 'test -e /etc/motd.d/reef')).code, h.ip).toBe(1);
    const again = `${id}-again`;
    const back = await session.cli(['apply', infra, '--nodes', nodes, '--auth', auth, '--id', again, '--wait', '--timeout', '120']);
    expect(back.code, explain(back)).toBe(0);
    expect(Object.keys((await report(again)).app.instances)).toHaveLength(2);
    const gone = await session.cli(['destroy', again]);
    expect(gone.code, explain(gone)).toBe(0);
  }, 200_000);

  it('the password was never printed, logged as an event or stored', async () => {
    const logs = await session.cli(['logs', id, '-o', 'json']);
    expect(logs.code, explain(logs)).toBe(0);
    expect(logs.stdout).toContain('REEF_SSH_POOL_EXHAUSTED');
    expect(leaksOf(session, [password], { 'reef logs -o json': logs.stdout })).toEqual([]);
    // the check itself finds a planted copy
    expect(leaksOf(session, [password], { planted: `x${password}x` })).toEqual([`planted: ${password.slice(0, 12)}…`]);
  });
});
