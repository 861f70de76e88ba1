/**
 * D15 of review 2, second half: applying an infra again after it was destroyed starts from the description's
 * scaling (worker min 3), not from the scale target it had before the destroy (the review saw 9 workers come back).
 * Through the CLI, and through a real `reef serve` subprocess.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, reef } from '../helpers/cli.js';
import { startServe } from '../helpers/serve.js';

const INFRA = join(ROOT, 'examples/dummy-cluster/infra.yaml');
const NODES = join(ROOT, 'examples/dummy-cluster/nodes.yaml');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reef-sec-reapply-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report { [node: string]: { instances: Record<string, unknown>; scaling: { actual: number; target: number; min: number; max: number } } }

describe('re-apply after destroy starts from the description (D15)', () => {
  it('CLI: apply, scale to 7, destroy, apply again → worker target 3 and 3 instances', () => {
    const state = ['--state', join(dir, 'cli.db')];
    const ok = (args: string[]) => {
      const r = reef(dir, [...state, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };
    ok(['apply', INFRA, '--nodes', NODES, '--id', 'sec-reapply', '--wait', '--timeout', '60']);
    ok(['scale', 'sec-reapply', 'worker', '--to', '7', '--wait', '--timeout', '60']);
    const scaled = JSON.parse(ok(['-o', 'json', 'status', 'sec-reapply']).stdout) as Report;
    expect(scaled.worker.scaling).toMatchObject({ target: 7, actual: 7 });
    ok(['destroy', 'sec-reapply', '--wait', '--timeout', '60']);
    ok(['apply', INFRA, '--nodes', NODES, '--id', 'sec-reapply', '--wait', '--timeout', '60']);
    const again = JSON.parse(ok(['-o', 'json', 'status', 'sec-reapply']).stdout) as Report;
    expect(again.worker.scaling).toMatchObject({ target: 3, actual: 3, min: 3, max: 10 });
    expect(Object.keys(again.worker.instances)).toHaveLength(3);
    ok(['destroy', 'sec-reapply', '--wait', '--timeout', '60']);
  }, 120_000);

  describe('through reef serve', () => {
    let proc: ChildProcess;
    let url = '';
    let serveDir: string;
    beforeAll(async () => {
      serveDir = mkdtempSync(join(dir, 'serve-'));
      ({ proc, url } = await startServe(serveDir, ['--resync', '1']));
    }, 40_000);
    afterAll(() => {
      proc?.kill('SIGTERM');
    });

    const call = async (method: string, path: string, body?: unknown) => {
      const token = readFileSync(join(serveDir, '.reef', 'api-token'), 'utf8').trim();
      const res = await fetch(url + path, {
        method, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000),
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      });
      return { status: res.status, json: (await res.json()) as Record<string, any> };
    };
    const until = async (what: string, done: (s: Record<string, any>) => boolean) => {
      const deadline = Date.now() + 60_000;
      let last: Record<string, any> = {};
      while (Date.now() < deadline) {
        last = (await call('GET', '/v1/infras/sec-reapply-api')).json;
        if (done(last)) return last;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${what}: ${JSON.stringify(last).slice(0, 1500)}`);
    };
    const worker = (s: Record<string, any>) => s.nodes.find((n: { name: string }) => n.name === 'worker');
    const body = () => ({ infra: readFileSync(INFRA, 'utf8'), nodes: readFileSync(NODES, 'utf8') });

    it('PUT, scale to 7, DELETE, PUT again → worker target 3', async () => {
      expect((await call('PUT', '/v1/infras/sec-reapply-api', body())).status).toBe(200);
      await until('converged', (s) => s.converged === true);
      expect((await call('PUT', '/v1/infras/sec-reapply-api/nodes/worker/scale', { to: 7 })).json).toMatchObject({ target: 7 });
      await until('7 workers', (s) => s.converged === true && worker(s).ready === 7);
      expect((await call('DELETE', '/v1/infras/sec-reapply-api')).status).toBe(200);
      await until('destroyed', (s) => s.status === 'destroyed');
      const put = await call('PUT', '/v1/infras/sec-reapply-api', body());
      expect(put.status).toBe(200);
      const s = await until('re-created', (st) => st.status === 'active' && st.converged === true);
      expect(worker(s)).toMatchObject({ target: 3, ready: 3, min: 3, max: 10 });
      expect(s.instances.filter((i: { node: string }) => i.node === 'worker')).toHaveLength(3);
      expect((await call('DELETE', '/v1/infras/sec-reapply-api')).status).toBe(200);
      await until('destroyed again', (st) => st.status === 'destroyed');
    }, 120_000);
  });
});
