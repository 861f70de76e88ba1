/** The API through app.inject() (no port): every endpoint, auth, bad bodies, error statuses, secrets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiHarness, AUTH, example, fixture, TOKEN, type ApiHarness } from './helpers.js';
import { openApiDocument } from '../../src/api/openapi.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(() => h.close());

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: string | object, headers: Record<string, string> = {}) =>
  h.api.inject({ method, url, payload, headers: { ...AUTH, ...headers } });

describe('auth', () => {
  it('refuses every API route without a token or with a wrong one (401, error body)', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
      for (const [method, url] of [['GET', '/v1/health'], ['GET', '/infrastructures/'], ['PUT', '/v1/nodedefs'], ['GET', '/v1/openapi.json'], ['GET', '/nope']] as const) {
        const res = await h.api.inject({ method, url, headers });
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        expect(res.json()).toEqual({ status_code: 401, reason: 'Unauthorized', message: expect.stringContaining('token'), code: 'REEF_API_UNAUTHORIZED' });
      }
    }
  });

  it('serves the live view and its assets without a token, and nothing else', async () => {
    const page = await h.api.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('/live/app.js');
    for (const asset of ['/live/app.js', '/live/graph.js', '/live/style.css']) expect((await h.api.inject({ method: 'GET', url: asset })).statusCode).toBe(200);
    expect((await h.api.inject({ method: 'GET', url: '/live/../../package.json' })).statusCode).toBe(401);
    expect((await call('GET', '/live/secret.js')).statusCode).toBe(404);
  });
});

describe('node definitions and Occopus endpoints', () => {
  let id: string;
  it('PUT /v1/nodedefs stores YAML text; GET lists it', async () => {
    const res = await call('PUT', '/v1/nodedefs', example('nodes.yaml'), { 'content-type': 'application/x-yaml' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ imported: ['dummy_head_node', 'dummy_worker_node'] });
    const list = (await call('GET', '/v1/nodedefs')).json();
    expect(Object.keys(list.nodedefs)).toEqual(['dummy_head_node', 'dummy_worker_node']);
    expect(list.nodedefs.dummy_head_node[0].resource.type).toBe('dummy');
  });

  it('POST /infrastructures/ takes raw YAML (any content type) and returns the id at once', async () => {
    const res = await call('POST', '/infrastructures/', example('infra.yaml'), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(200);
    id = res.json().infraid;
    expect(id).toBe('dummy-cluster');
    const again = await call('POST', '/infrastructures/', example('infra.yaml'), { 'content-type': 'text/plain' });
    expect(again.json().infraid).toMatch(/^dummy-cluster-[0-9a-f]{8}$/); // Occopus: every POST is a new infra
    expect((await call('DELETE', `/infrastructures/${again.json().infraid}`)).json()).toEqual({ infraid: again.json().infraid });
    expect((await call('GET', '/infrastructures/')).json().infrastructures).toContain('dummy-cluster');
  });

  it('GET /infrastructures/{id} is the Occopus report once converged', async () => {
    await h.waitFor(id, (s) => s.converged);
    const report = (await call('GET', `/infrastructures/${id}`)).json();
    expect(report.head.scaling).toEqual({ actual: 1, target: 1, min: 1, max: 1 });
    expect(report.worker.scaling).toEqual({ actual: 3, target: 3, min: 3, max: 10 });
    expect(Object.values(report.worker.instances).every((i) => (i as { state: string }).state === 'ready')).toBe(true);
  });

  it('scaleup / scaledown / scaleto answer with Occopus bodies; out of range is 409; unknown node 404', async () => {
    expect((await call('POST', `/infrastructures/${id}/scaleup/worker`)).json()).toEqual({ method: 'scaleup', infraid: id, nodename: 'worker', count: 1 });
    expect((await call('POST', `/infrastructures/${id}/scaleup/worker/2`)).json()).toEqual({ method: 'scaleup', infraid: id, nodename: 'worker', count: 2 });
    expect((await call('POST', `/infrastructures/${id}/scaleto/worker/5`)).json()).toEqual({ method: 'scaleto', infraid: id, nodename: 'worker', count: 5 });
    const s = await h.waitFor(id, (x) => x.converged && x.nodes[1].ready === 5);
    const victim = s.instances.find((i) => i.node === 'worker')!;
    expect((await call('POST', `/infrastructures/${id}/scaledown/worker/${victim.address}`)).json()).toEqual({ method: 'scaledown', infraid: id, nodename: 'worker', nodeid: victim.id });
    expect((await call('POST', `/infrastructures/${id}/scaledown/worker`)).json()).toMatchObject({ method: 'scaledown', nodename: 'worker', nodeid: null });
    const tooMany = await call('POST', `/infrastructures/${id}/scaleto/worker/11`);
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json()).toEqual({ status_code: 409, reason: 'Conflict', message: 'worker: target 11 is outside [3, 10]', code: 'REEF_SCALE_OUT_OF_RANGE' });
    expect((await call('POST', `/infrastructures/${id}/scaledown/nobody`)).statusCode).toBe(404);
    expect((await call('POST', `/infrastructures/${id}/scaledown/worker/10.9.9.9`)).statusCode).toBe(404);
    expect((await call('GET', '/infrastructures/nope')).statusCode).toBe(404);
    const after = await h.waitFor(id, (x) => x.converged);
    expect(after.nodes.find((n) => n.name === 'worker')).toMatchObject({ target: 3, ready: 3, actual: 3 });
    expect(after.instances.map((i) => i.id)).not.toContain(victim.id);
    expect(h.cloud.all(id).map((r) => r.labels.instance).sort()).toEqual(after.instances.map((i) => i.id).sort());
  });
});

describe('/v1 infras', () => {
  it('PUT /v1/infras/{id} applies declaratively: created, unchanged, changed (generation)', async () => {
    const body = { infra: fixture('infra.yaml'), nodes: fixture('nodes.yaml') };
    const first = await call('PUT', '/v1/infras/demo', body);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ infraid: 'demo', created: true, changed: true, generation: 1 });
    expect((await call('PUT', '/v1/infras/demo', body)).json()).toEqual({ infraid: 'demo', created: false, changed: false, generation: 1 });
    const edited = { ...body, infra: body.infra.replace('{ min: 2, max: 6 }', '{ min: 3, max: 6 }'), strategy: 'serial' };
    expect((await call('PUT', '/v1/infras/demo', edited)).json()).toEqual({ infraid: 'demo', created: false, changed: true, generation: 2 });
    const s = await h.waitFor('demo', (x) => x.converged);
    expect(s).toMatchObject({ id: 'demo', status: 'active', generation: 2, strategy: 'serial' });
    expect(s.nodes).toEqual([
      expect.objectContaining({ name: 'head', min: 1, max: 1, target: 1, ready: 1, actual: 1, failedReason: null, dependsOn: [] }),
      expect.objectContaining({ name: 'worker', min: 3, max: 6, target: 3, ready: 3, actual: 3, failedReason: null, dependsOn: ['head'] }),
    ]);
    expect(s.instances[0]).toEqual(expect.objectContaining({ state: 'ready', address: expect.stringMatching(/^10\.77\./), lastError: null }));
    expect(s.instances[0]).toHaveProperty('ageS');
  });

  it('GET /v1/infras lists with counts; PUT scale {to} {by} {instance}; 409 and 404 and 400', async () => {
    const list = (await call('GET', '/v1/infras')).json().infras;
    expect(list.find((i: { id: string }) => i.id === 'demo')).toMatchObject({ status: 'active', nodes: 2, ready: 4, total: 4 });
    const scale = (b: object, node = 'worker', id = 'demo') => call('PUT', `/v1/infras/${id}/nodes/${node}/scale`, b);
    expect((await scale({ to: 5 })).json()).toEqual({ infraid: 'demo', node: 'worker', target: 5 });
    expect((await scale({ by: -1 })).json()).toEqual({ infraid: 'demo', node: 'worker', target: 4 });
    const s = await h.waitFor('demo', (x) => x.converged && x.nodes[1].ready === 4);
    const victim = s.instances.find((i) => i.node === 'worker')!.id;
    expect((await scale({ instance: victim })).json()).toEqual({ infraid: 'demo', node: 'worker', target: 3, removed: victim });
    expect((await scale({ to: 7 })).statusCode).toBe(409);
    expect((await scale({ by: -1 })).statusCode).toBe(409); // min is 3
    expect((await scale({ to: 4, by: 1 })).statusCode).toBe(400);
    expect((await scale({})).statusCode).toBe(400);
    expect((await scale({ to: 'many' })).json()).toMatchObject({ status_code: 400, code: 'FST_ERR_VALIDATION' });
    expect((await scale({ to: 1 }, 'nobody')).statusCode).toBe(404);
    expect((await scale({ to: 1 }, 'worker', 'nope')).statusCode).toBe(404);
    expect((await scale({ instance: 'worker-000' })).statusCode).toBe(404);
    await h.waitFor('demo', (x) => x.converged && x.nodes[1].actual === 3);
  });

  it('bad bodies: YAML and spec errors are 400 with the one-line FILE:LINE:COL message', async () => {
    const syntax = await call('PUT', '/v1/infras/bad', { infra: 'infra_name: bad\nnodes: [\n' });
    expect(syntax.statusCode).toBe(400);
    expect(syntax.json().code).toBe('REEF_SPEC_INVALID');
    expect(syntax.json().message).toMatch(/^<request body>:\d+:\d+: YAML syntax error/);
    const unknownType = await call('POST', '/infrastructures/', 'infra_name: bad\nnodes:\n  - name: a\n    type: nope\n');
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json().message).toMatch(/^<request body>:4:11: unknown node type "nope".* \(field nodes\[0\]\.type\)$/);
    const badNodes = await call('PUT', '/v1/infras/bad', { infra: fixture('infra.yaml'), nodes: "'node_def:head_node':\n  - resource: { type: dummy, create_delay: -5 }\n" });
    expect(badNodes.statusCode).toBe(400);
    expect(badNodes.json().message).toMatch(/^<request body: nodes>:2:\d+: /m);
    const noBody = await call('PUT', '/v1/infras/bad', { nodes: 'x' });
    expect(noBody.json()).toMatchObject({ status_code: 400, code: 'FST_ERR_VALIDATION' });
    expect((await call('PUT', '/v1/infras/Not_An_Id!', { infra: 'a: 1' })).statusCode).toBe(400);
    expect((await call('PUT', '/v1/nodedefs', 'node_def:x: [')).statusCode).toBe(400);
    expect((await h.store.getInfra('bad'))).toBeUndefined();
  });

  it('refuses import tags in bodies (the server reads no files for a client)', async () => {
    const res = await call('PUT', '/v1/nodedefs', "'node_def:x':\n  - resource: !yaml_import { url: 'file:///etc/passwd' }\n");
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^<request body>:2:\d+: !yaml_import is not allowed in a request body/);
    expect(res.body).not.toContain('root:');
  });

  it('refuses templates that reach JavaScript internals (nunjucks is no sandbox)', async () => {
    const nodes = (template: string) => `'node_def:evil':\n  - resource: { type: dummy }\n    contextualisation:\n      type: cloudinit\n      context_template: '${template}'\n`;
    const plain = await call('PUT', '/v1/nodedefs', nodes('{{ "".constructor.constructor("return process.pid")() }}'));
    expect(plain.statusCode).toBe(400);
    expect(plain.json().message).toMatch(/^<request body>:5:\d+: a template may not use "constructor"/);
    // a computed key passes the text check; the template evaluator cannot call it, and the compile-time probe
    // reports that at once (validate and apply agree): refused before anything is stored or made
    const computed = await call('PUT', '/v1/infras/evil', {
      infra: 'infra_name: evil\nnodes:\n  - name: a\n    type: evil\n',
      nodes: nodes('{{ ""["constr" ~ "uctor"]["constr" ~ "uctor"]("return process.exit(7)")() }}'),
    });
    expect(computed.statusCode).toBe(400);
    expect(computed.json().message).toMatch(/for node "a": template error: cannot call/);
    expect(await h.store.getInfra('evil')).toBeUndefined();
    expect(h.cloud.all('evil')).toEqual([]);
  });

  it('413 for bodies over 1 MiB', async () => {
    const big = 'a'.repeat(1024 * 1024 + 10);
    const res = await call('POST', '/infrastructures/', big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ status_code: 413, reason: 'Payload Too Large' });
    expect((await call('PUT', '/v1/infras/big', { infra: big })).statusCode).toBe(413);
  });

  it('never returns auth data: an auth path is accepted, its secrets stay on the server', async () => {
    const auth = join(h.dir, 'auth.yaml');
    writeFileSync(auth, 'resource:\n  - type: dummy\n    auth_data: { secretkey: TOPSECRET-123 }\n');
    const put = await call('PUT', '/v1/infras/authed', { infra: fixture('infra.yaml').replace('cli-demo', 'authed'), nodes: fixture('nodes.yaml'), authPath: auth });
    expect(put.statusCode).toBe(200);
    await h.waitFor('authed', (x) => x.converged);
    for (const url of ['/v1/infras/authed', '/v1/infras', '/infrastructures/authed', '/v1/events?follow=false&limit=10000', '/v1/nodedefs']) {
      expect((await call('GET', url)).body, url).not.toContain('TOPSECRET');
    }
    const badAuth = await call('PUT', '/v1/infras/authed2', { infra: fixture('infra.yaml'), authPath: join(h.dir, 'missing.yaml') });
    expect(badAuth.statusCode).toBe(400);
  });

  it('DELETE /v1/infras/{id} destroys; everything is collected', async () => {
    expect((await call('DELETE', '/v1/infras/demo')).json()).toEqual({ infraid: 'demo', status: 'destroying' });
    await h.waitFor('demo', (x) => x.status === 'destroyed');
    expect(h.cloud.all('demo')).toEqual([]);
    expect((await call('DELETE', '/v1/infras/demo')).json()).toEqual({ infraid: 'demo', status: 'destroyed' });
    expect((await call('DELETE', '/v1/infras/nope')).statusCode).toBe(404);
    expect((await call('GET', '/v1/infras/nope')).json()).toMatchObject({ status_code: 404, code: 'REEF_INFRA_UNKNOWN' });
  });

  it('events as a JSON page: after, limit, tail; 404 for an unknown infra', async () => {
    const all = (await call('GET', '/v1/infras/demo/events?follow=false&limit=10000')).json().events;
    expect(all.length).toBeGreaterThan(10);
    expect(all.every((e: { infra: string }) => e.infra === 'demo')).toBe(true);
    const tail = (await call('GET', '/v1/infras/demo/events?follow=false&tail=3')).json().events;
    expect(tail).toEqual(all.slice(-3));
    const after = (await call('GET', `/v1/infras/demo/events?follow=false&after=${all[4].seq}&limit=2`)).json().events;
    expect(after).toEqual(all.slice(5, 7));
    expect((await call('GET', '/v1/infras/nope/events?follow=false')).statusCode).toBe(404);
    expect((await call('GET', '/v1/events?follow=false&limit=0')).statusCode).toBe(400);
  });

  it('GET /v1/health', async () => {
    expect((await call('GET', '/v1/health')).json()).toEqual({ status: 'ok', infras: expect.any(Number) });
  });
});

describe('OpenAPI document', () => {
  it('documents every route the server has, and nothing it does not', async () => {
    const doc = (await call('GET', '/v1/openapi.json')).json() as typeof openApiDocument;
    expect(doc.openapi).toMatch(/^3\./);
    const served = new Set(h.routes.filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/live/'))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).filter((m) => ['get', 'put', 'post', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`)));
    expect([...served].filter((r) => !documented.has(r)), 'served but not documented').toEqual([]);
    expect([...documented].filter((r) => !served.has(r)), 'documented but not served').toEqual([]);
    expect(served.size).toBeGreaterThanOrEqual(20);
  });
});
