/**
 * A real `reef serve` subprocess on a loopback port, driven over HTTP and by `reef --server`: every surface
 * end to end, kill -9 mid-deploy and a restart that converges without duplicates, drift repaired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { reef, REEF, ROOT } from '../helpers/cli.js';
import { openDummyCloud } from '../../src/reconcilers/dummy/index.js';
import { eventsOf, readFrames } from './sse.js';
import { startServe } from '../helpers/serve.js';

interface Server { proc: ChildProcess; url: string; stderr: () => string }
interface Body { converged?: boolean; events?: Array<{ seq: number }>; message?: string; target?: number; instances?: Array<{ id: string }>; infraid?: string; status?: string; infras?: number; worker?: unknown }

let dir: string;
let server: Server | undefined;
const stateDir = () => join(dir, '.reef');
const token = () => readFileSync(join(stateDir(), 'api-token'), 'utf8').trim();

const startServer = (): Promise<Server> => startServe(dir);

const http = async (method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${token()}` }) => {
  const res = await fetch(server!.url + path, {
    method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() as Body };
};
const remote = (...args: string[]) => reef(dir, ['--server', server!.url, ...args]);

const cloudRows = () => {
  const cloud = openDummyCloud(stateDir(), 'default');
  try {
    return cloud.all('dummy-cluster').map((r) => ({ id: r.id, instance: r.labels.instance }));
  } finally {
    cloud.close();
  }
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const converged = (id: string) => until(`${id} to converge`, async () => {
  const s = await http('GET', `/v1/infras/${id}`);
  return s.body.converged ? s.body : undefined;
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reef-serve-'));
  cpSync(join(ROOT, 'examples/dummy-cluster'), dir, { recursive: true });
  server = await startServer();
});
afterAll(() => {
  server?.proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('reef serve (subprocess)', () => {
  it('logs its URL and token file; the token file is 0600; GET / needs no token, the API does', async () => {
    expect(server!.stderr()).toContain(join(stateDir(), 'api-token'));
    expect(statSync(join(stateDir(), 'api-token')).mode & 0o777).toBe(0o600);
    expect((await fetch(server!.url + '/')).status).toBe(200);
    expect((await http('GET', '/v1/health', undefined, {})).status).toBe(401);
    expect((await http('GET', '/v1/health', undefined, { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect((await http('GET', '/v1/health')).body).toEqual({ status: 'ok', infras: 0 });
  });

  it('reef --server: import, apply --wait, status (same JSON as the Occopus endpoint), bad input', async () => {
    expect(remote('import', 'nodes.yaml').stdout).toBe('imported node definitions: dummy_head_node, dummy_worker_node\n');
    const apply = remote('apply', 'infra.yaml', '--wait', '-o', 'json');
    expect(apply.stderr).toContain('infra dummy-cluster: created');
    expect(apply.code).toBe(0);
    expect(JSON.parse(apply.stdout)).toEqual({ infraid: 'dummy-cluster' });
    const status = remote('status', 'dummy-cluster', '-o', 'json');
    expect(JSON.parse(status.stdout)).toEqual((await http('GET', '/infrastructures/dummy-cluster')).body);
    expect(JSON.parse(status.stdout).worker.scaling).toEqual({ actual: 3, target: 3, min: 3, max: 10 });
    expect(cloudRows()).toHaveLength(4);
    const table = remote('status', 'dummy-cluster');
    expect(table.stdout).toMatch(/^infra dummy-cluster: active, generation 1\n/);
    expect(table.stdout).toContain('worker 3/3 ready [3..10]');

    const tooMany = remote('scale', 'dummy-cluster', 'worker', '--to', '11');
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr.trim()).toBe('worker: target 11 is outside [3, 10]');
    const badYaml = join(dir, 'bad.yaml');
    cpSync(join(dir, 'infra.yaml'), badYaml);
    const text = readFileSync(badYaml, 'utf8').replace('type: dummy_worker_node', 'type: dummy_wroker_node');
    writeFileSync(badYaml, text);
    const bad = remote('apply', 'bad.yaml', '--id', 'bad');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^bad\.yaml:\d+:\d+: unknown node type "dummy_wroker_node" \(did you mean "dummy_worker_node"\?\)/);
    const raw = await http('POST', '/infrastructures/', 'infra_name: x\nnodes: [\n');
    expect(raw.status).toBe(400);
    expect(raw.body.message).toMatch(/^<request body>:\d+:\d+: YAML syntax error/);
    const noToken = reef(dir, ['--server', server!.url, '--token-file', join(dir, 'nope'), 'status']);
    expect(noToken.code).not.toBe(0);
    const wrong = reef(dir, ['--server', server!.url, 'status'], { REEF_TOKEN: 'wrong-token-wrong-token', REEF_STATE: join(dir, 'elsewhere', 'state.db') });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('token');
  });

  it('SSE: resumes after Last-Event-ID', async () => {
    const all = (await http('GET', '/v1/infras/dummy-cluster/events?follow=false&limit=10000')).body.events!;
    const res = await fetch(`${server!.url}/v1/infras/dummy-cluster/events`, { headers: { authorization: `Bearer ${token()}`, 'last-event-id': String(all[9].seq) } });
    const frames = eventsOf(await readFrames(res, (f) => eventsOf(f).length >= 4));
    expect(frames.slice(0, 4).map((f) => Number(f.id))).toEqual(all.slice(10, 14).map((e) => e.seq));
    const logs = remote('logs', 'dummy-cluster', '--tail', '2', '-o', 'json');
    expect(logs.stdout.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual(all.slice(-2).map((e) => e.seq));
  });

  it('drift: an instance removed out of band comes back', async () => {
    const before = cloudRows();
    const cloud = openDummyCloud(stateDir(), 'default');
    try {
      expect(cloud.remove(before[1].id)).toBe(true);
    } finally {
      cloud.close();
    }
    const after = await until('the removed instance to be replaced', async () => {
      const rows = cloudRows();
      const s = await http('GET', '/v1/infras/dummy-cluster');
      return rows.length === 4 && s.body.converged ? rows : undefined;
    });
    expect(after.map((r) => r.id)).not.toContain(before[1].id);
  });

  it('kill -9 mid-deploy; a restarted server converges with the same count and no duplicates', async () => {
    expect((await http('PUT', '/v1/infras/dummy-cluster/nodes/worker/scale', { to: 9 })).body.target).toBe(9);
    await until('some of the new workers to be created', async () => (cloudRows().length > 4 ? true : undefined));
    server!.proc.kill('SIGKILL');
    await new Promise((r) => server!.proc.once('exit', r));
    // mid-deploy: the store (read by a local CLI; the lease holder is dead) has workers not yet ready
    const report = JSON.parse(reef(dir, ['status', 'dummy-cluster', '-o', 'json']).stdout) as { worker: { instances: Record<string, { state: string }> } };
    expect(Object.values(report.worker.instances).some((i) => i.state !== 'ready')).toBe(true);
    server = await startServer();
    const s = await converged('dummy-cluster');
    const rows = cloudRows();
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.instance)).size).toBe(10);
    expect(rows.map((r) => r.instance).sort()).toEqual(s.instances!.map((i) => i.id).sort());
  });

  it('Occopus DELETE and reef --server destroy --wait leave nothing; SIGTERM stops the server cleanly', async () => {
    const destroy = remote('destroy', 'dummy-cluster', '--wait');
    expect(destroy.code).toBe(0);
    expect(destroy.stdout.trim()).toBe('dummy-cluster: destroyed');
    expect(cloudRows()).toEqual([]);
    expect((await http('DELETE', '/infrastructures/dummy-cluster')).body).toEqual({ infraid: 'dummy-cluster' });
    const exited = new Promise<number | null>((r) => server!.proc.once('exit', (code) => r(code)));
    server!.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(server!.stderr()).toContain('SIGTERM, stopping');
    server = undefined;
  });
});
