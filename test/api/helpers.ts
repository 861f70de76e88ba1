/** An in-process API on the dummy driver: a temp store, a serving controller with fast timings, buildApi(). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { harness, type Harness } from '../helpers/harness.js';
import { buildApi, type ApiDeps, type ReefApi } from '../../src/api/server.js';
import { silentLogger } from '../../src/util/log.js';
import { ROOT } from '../helpers/cli.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
export const example = (name: string) => readFileSync(join(ROOT, 'examples/dummy-cluster', name), 'utf8');
export const fixture = (name: string) => readFileSync(join(ROOT, 'test/fixtures/cli', name), 'utf8');

export interface ApiHarness extends Harness {
  api: ReefApi;
  routes: Array<{ method: string; url: string }>;
  /** polls GET /v1/infras/{id} until `done` holds (bounded by `timeoutMs`) */
  waitFor(id: string, done: (s: StatusBody) => boolean, timeoutMs?: number): Promise<StatusBody>;
}

export interface StatusBody {
  status: string;
  converged: boolean;
  nodes: Array<{ name: string; target: number; ready: number; actual: number; min: number; max: number; failedReason: string | null; dependsOn: string[] }>;
  instances: Array<{ id: string; node: string; state: string; address: string | null; lastError: unknown }>;
}

export async function apiHarness(opts: { serve?: boolean; events?: { pollMs?: number; heartbeatMs?: number }; catalog?: ApiDeps['catalog'] } = {}): Promise<ApiHarness> {
  const h = harness();
  const controller = h.controller();
  if (opts.serve !== false) await controller.serve();
  const routes: ApiHarness['routes'] = [];
  const api = buildApi({
    store: h.store, controller, registry: h.registry, token: TOKEN, log: silentLogger(), events: opts.events,
    onRoute: (method, url) => routes.push({ method, url }), catalog: opts.catalog, authPolicy: { files: [], dirs: [h.dir] },
  });
  await api.ready();
  const close = h.close.bind(h);
  return Object.assign(h, {
    api, routes,
    async waitFor(id: string, done: (s: StatusBody) => boolean, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await api.inject({ method: 'GET', url: `/v1/infras/${id}`, headers: AUTH });
        const body = res.json() as StatusBody;
        if (res.statusCode === 200 && done(body)) return body;
        if (Date.now() > deadline) throw new Error(`${id} did not get there in ${timeoutMs} ms: ${res.body}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await api.close();
      await close();
    },
  });
}
