/**
 * D10 of review 2, closed by construction: over the API a client cannot make `reef serve` read its files or fetch
 * URLs (imports, docker `origin` file/http, docker `endpoint`, private key paths, ansible playbooks) unless the
 * operator allowed a directory (--allow-files, or the --config file's serve.allow_files) or a URL prefix
 * (--allow-origin). Refused when the request arrives (400, the same message whether the path exists, no content),
 * and again when the server acts on stored state (the docker driver at load time, redirects included). Real
 * `reef serve` subprocesses, the real Docker engine, and a local HTTP server on 127.0.0.1 counting its hits.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/serve.js';
import { reef } from '../helpers/cli.js';
import { openStore } from '../../src/state/open-store.js';
import { compileInfra } from '../../src/schemas/index.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import { silentLogger } from '../../src/util/log.js';

const engine = new Docker({ socketPath: '/var/run/docker.sock' });
const RUN = `${process.pid}${Date.now().toString(36)}`;
const IMAGE = 'reef-test/sec-origin';
const [TAG_FILE, TAG_HTTP, TAG_LATE] = ['f', 'h', 'l'].map((t) => `${t}${RUN}`);
const SECRET = `TOPSECRET-${RUN}`;
// every infra a run may make (those refused with the fix too: before it, they were created)
const INFRAS: string[] = ['sec-files-http'];

let dir: string;
let allowed: string;
let outside: string;
let web: Server;
let webUrl = '';
const hits = new Map<string, number>();
let plain: { proc: ChildProcess; url: string };
let open: { proc: ChildProcess; url: string };

const tokenOf = (state: string) => readFileSync(join(state, '.reef', 'api-token'), 'utf8').trim();

async function call(server: { url: string }, state: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const raw = typeof body === 'string';
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${tokenOf(state)}`, ...(body === undefined ? {} : { 'content-type': raw ? 'text/plain' : 'application/json' }) },
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {}, text };
}

const dockerNode = (type: string, resource: Record<string, unknown>, health = 'timeout: 60') =>
  `'node_def:${type}':\n  - resource: ${JSON.stringify({ type: 'docker', stop_timeout: 0, ...resource })}\n` +
  `    contextualisation: {type: docker, command: [sleep, '3600']}\n    health_check: {ping: false, ${health}}\n`;
const infraOf = (id: string, nodes: Array<[string, string]>) =>
  `infra_name: ${id}\nnodes:\n${nodes.map(([n, t]) => `  - {name: ${n}, type: ${t}}`).join('\n')}\n`;

async function saveImage(tag: string, file: string): Promise<void> {
  await engine.getImage('reef-test/busybox:latest').tag({ repo: IMAGE, tag });
  execFileSync('docker', ['save', '-o', file, `${IMAGE}:${tag}`]);
  await engine.getImage(`${IMAGE}:${tag}`).remove({ force: true });
}

async function waitStatus(server: { url: string }, state: string, id: string, done: (s: Record<string, any>) => boolean, ms = 90_000): Promise<Record<string, any>> {
  const until = Date.now() + ms;
  let last: Record<string, any> = {};
  while (Date.now() < until) {
    last = (await call(server, state, 'GET', `/v1/infras/${id}`)).json;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`infra ${id} did not reach the expected state: ${JSON.stringify(last).slice(0, 2000)}`);
}

let plainDir: string;
let openDir: string;

beforeAll(async () => {
  await engine.ping();
  dir = mkdtempSync(join(tmpdir(), 'reef-sec-files-'));
  allowed = join(dir, 'allowed');
  outside = join(dir, 'outside');
  mkdirSync(allowed);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
  writeFileSync(join(allowed, 'motd.txt'), 'hello from an allowed file\n');
  symlinkSync(join(outside, 'secret.txt'), join(allowed, 'link-out.txt'));
  await saveImage(TAG_FILE, join(allowed, 'image.tar'));
  await saveImage(TAG_HTTP, join(dir, 'served.tar'));
  await saveImage(TAG_LATE, join(dir, 'late.tar'));
  web = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/ok/image.tar') return res.end(readFileSync(join(dir, 'served.tar')));
    if (path === '/ok/late.tar') return res.end(readFileSync(join(dir, 'late.tar')));
    if (path === '/ok/bounce') {
      res.writeHead(302, { location: '/secret' });
      return res.end();
    }
    res.end(SECRET);
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  plainDir = join(dir, 'plain');
  openDir = join(dir, 'open');
  mkdirSync(plainDir);
  mkdirSync(openDir);
  // the directory from the config file, the URL prefix from the flag
  writeFileSync(join(openDir, 'reef.yaml'), `serve:\n  allow_files: [../allowed]\n`);
  plain = await startServe(plainDir, ['--resync', '1']);
}, 120_000);

afterAll(async () => {
  plain?.proc.kill('SIGTERM');
  open?.proc.kill('SIGTERM');
  for (const infra of INFRAS) {
    const cs = await engine.listContainers({ all: true, filters: { label: [`reef.infra=${infra}`] } });
    await Promise.all(cs.map((c) => engine.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  }
  for (const tag of [TAG_FILE, TAG_HTTP, TAG_LATE]) await engine.getImage(`${IMAGE}:${tag}`).remove({ force: true }).catch(() => undefined);
  await new Promise((r) => web?.close(r));
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('reef serve without --allow-files/--allow-origin: a client names no server file or URL (D10)', () => {
  it('a docker origin file:// is refused when the node definitions arrive: one message whether the file exists or not, no content', async () => {
    const messages: string[] = [];
    for (const path of [join(outside, 'secret.txt'), join(outside, 'missing.tar'), '/root/.ssh/id_rsa', join(allowed, 'image.tar')]) {
      const r = await call(plain, plainDir, 'PUT', '/v1/nodedefs', dockerNode('sec_origin_file', { image: IMAGE, tag: TAG_FILE, origin: `file://${path}` }));
      expect(r.status, r.text).toBe(400);
      expect(r.json).toMatchObject({ status_code: 400, reason: 'Bad Request', code: 'REEF_HOST_ACCESS_DENIED' });
      expect(r.text).not.toContain(SECRET);
      messages.push(String(r.json.message).replace(path, 'PATH'));
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toBe('node_def:sec_origin_file[0]: resource.origin: "PATH" is not a file the operator allowed (reef serve --allow-files DIR); the server reads no other file for a client');
    const stored = await call(plain, plainDir, 'GET', '/v1/nodedefs');
    expect(stored.text).not.toContain('sec_origin_file');
  });

  it('a docker origin http:// is refused in PUT /v1/infras and POST /infrastructures/; the URL is never fetched', async () => {
    const before = hits.get('/ok/image.tar') ?? 0;
    const nodes = dockerNode('sec_origin_http', { image: IMAGE, tag: TAG_HTTP, origin: `${webUrl}/ok/image.tar` });
    const put = await call(plain, plainDir, 'PUT', '/v1/infras/sec-files-http', { infra: infraOf('sec-files-http', [['h', 'sec_origin_http']]), nodes });
    expect(put.status, put.text).toBe(400);
    expect(put.json).toMatchObject({ code: 'REEF_HOST_ACCESS_DENIED' });
    expect(put.json.message).toBe(`node h (node_def:sec_origin_http[0]): resource.origin: "${webUrl}/ok/image.tar" is not under a URL prefix the operator allowed (reef serve --allow-origin PREFIX); the server fetches no other URL for a client`);
    expect((await call(plain, plainDir, 'GET', '/v1/infras/sec-files-http')).status).toBe(404);
    expect(hits.get('/ok/image.tar') ?? 0).toBe(before);
  });

  it('every other field that reaches the server is refused too: docker endpoint, ssh and config private_key_path, ansible playbook', async () => {
    const cases: Array<[string, string]> = [
      ['resource.endpoint', `'node_def:sec_x':\n  - resource: {type: docker, image: ${IMAGE}, endpoint: "tcp://127.0.0.1:${new URL(webUrl).port}"}\n`],
      ['resource.endpoint', `'node_def:sec_x':\n  - resource: {type: docker, image: ${IMAGE}, endpoint: "unix://${join(outside, 'other.sock')}"}\n`],
      ['resource.private_key_path', `'node_def:sec_x':\n  - resource: {type: ssh, hosts: [127.0.0.1], private_key_path: ${join(outside, 'secret.txt')}}\n`],
      ['config_management.private_key_path', `'node_def:sec_x':\n  - resource: {type: dummy}\n    config_management: {type: shell, script: 'true', private_key_path: /root/.ssh/id_rsa}\n`],
      ['config_management.playbook', `'node_def:sec_x':\n  - resource: {type: dummy}\n    config_management: {type: ansible, playbook: ${join(outside, 'secret.txt')}}\n`],
    ];
    for (const [field, nodes] of cases) {
      const r = await call(plain, plainDir, 'PUT', '/v1/nodedefs', nodes);
      expect(r.status, `${field}: ${r.text}`).toBe(400);
      expect(r.json.code).toBe('REEF_HOST_ACCESS_DENIED');
      expect(String(r.json.message)).toContain(`node_def:sec_x[0]: ${field}: `);
      expect(r.text).not.toContain(SECRET);
    }
    expect(hits.get('/') ?? 0).toBe(0);
  });

  it('!text_import in a request body stays refused', async () => {
    const infra = `infra_name: sec-files-imp\nvariables: {motd: !text_import {url: "file://${join(allowed, 'motd.txt')}"}}\nnodes: [{name: a, type: sec_d}]\n`;
    const r = await call(plain, plainDir, 'PUT', '/v1/infras/sec-files-imp', { infra, nodes: "'node_def:sec_d':\n  - resource: {type: dummy}\n" });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/!text_import is not allowed in a request body/);
  });

  it('stored state naming a file or URL the server may not reach is refused again when acted on (docker load, health urls)', async () => {
    // written to the store by something other than this server's API (another process, an older policy)
    const id = `sec-files-late-${RUN}`.slice(0, 60);
    INFRAS.push(id);
    const registry = new DriverRegistry(BUILTIN_DRIVERS, { stateDir: join(plainDir, '.reef'), log: silentLogger() });
    const spec = compileInfra({
      infraFile: '<test>', infraText: infraOf(id, [['f', 'sec_late_file'], ['h', 'sec_late_http'], ['u', 'sec_late_url']]),
      nodesText: dockerNode('sec_late_file', { image: IMAGE, tag: TAG_LATE, origin: `file://${join(dir, 'late.tar')}` }) +
        dockerNode('sec_late_http', { image: IMAGE, tag: `x${RUN}`, origin: `${webUrl}/ok/late.tar` }) +
        dockerNode('sec_late_url', { image: 'reef-test/busybox', tag: 'latest' }, `timeout: 3, urls: ["${webUrl}/probe"]`),
      resourceSchemas: registry.resourceSchemas(),
    });
    const store = openStore(join(plainDir, '.reef', 'state.db'));
    await store.putInfra(spec);
    await store.close();
    const s = await waitStatus(plain, plainDir, id, (st) => {
      const text = JSON.stringify(st);
      return text.includes('is not a file the operator allowed') && text.includes('/ok/late.tar\\" is not under a URL prefix') && text.includes('/probe\\" is not under a URL prefix');
    });
    const text = JSON.stringify(s);
    expect(text).toContain(`docker origin: \\"${join(dir, 'late.tar')}\\" is not a file the operator allowed`);
    expect(text).toContain(`docker origin: \\"${webUrl}/ok/late.tar\\" is not under a URL prefix the operator allowed`);
    expect(text).toContain(`health_check url: \\"${webUrl}/probe\\" is not under a URL prefix the operator allowed`);
    expect(hits.get('/ok/late.tar') ?? 0).toBe(0);
    expect(hits.get('/probe') ?? 0).toBe(0);
    await expect(engine.getImage(`${IMAGE}:${TAG_LATE}`).inspect()).rejects.toThrow();
    await call(plain, plainDir, 'DELETE', `/v1/infras/${id}`);
  }, 120_000);
});

describe('reef serve --config (serve.allow_files) --allow-origin PREFIX: only what the operator allowed (D10)', () => {
  beforeAll(async () => {
    open = await startServe(openDir, ['--resync', '1', '--config', 'reef.yaml', '--allow-origin', `${webUrl}/ok/`]);
  }, 60_000);

  it('imports inside the allowed directory are read; `..`, a symlink out and a file outside get one refusal, no content', async () => {
    const nodes = "'node_def:sec_d':\n  - resource: {type: dummy}\n";
    const ok = await call(open, openDir, 'PUT', '/v1/infras/sec-files-imp', {
      infra: `infra_name: sec-files-imp\nvariables: {motd: !text_import {url: "file://${join(allowed, 'motd.txt')}"}}\nnodes: [{name: a, type: sec_d}]\n`, nodes,
    });
    expect(ok.status, ok.text).toBe(200);
    const messages: string[] = [];
    for (const path of [join(allowed, '..', 'outside', 'secret.txt'), join(allowed, 'link-out.txt'), join(outside, 'secret.txt'), join(outside, 'nope.txt')]) {
      const r = await call(open, openDir, 'PUT', '/v1/infras/sec-files-imp2', {
        infra: `infra_name: sec-files-imp2\nvariables: {motd: !text_import {url: "file://${path}"}}\nnodes: [{name: a, type: sec_d}]\n`, nodes,
      });
      expect(r.status, r.text).toBe(400);
      expect(r.text).not.toContain(SECRET);
      messages.push(String(r.json.message).replace(`file://${path}`, 'URL'));
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toBe('<request body>:2:19: !text_import: "URL" is not a file the operator allowed (reef serve --allow-files DIR); the server reads no other file for a client (field variables.motd)');
  });

  it('a docker origin inside the allowed directory and one under the allowed prefix are loaded, and the containers run', async () => {
    const id = `sec-files-ok-${RUN}`.slice(0, 60);
    INFRAS.push(id);
    const nodes = dockerNode('sec_ok_file', { image: IMAGE, tag: TAG_FILE, origin: `file://${join(allowed, 'image.tar')}` }) +
      dockerNode('sec_ok_http', { image: IMAGE, tag: TAG_HTTP, origin: `${webUrl}/ok/image.tar` });
    const put = await call(open, openDir, 'PUT', `/v1/infras/${id}`, { infra: infraOf(id, [['f', 'sec_ok_file'], ['h', 'sec_ok_http']]), nodes });
    expect(put.status, put.text).toBe(200);
    await waitStatus(open, openDir, id, (s) => s.converged === true && s.instances?.length === 2 && s.instances.every((i: { state: string }) => i.state === 'ready'));
    expect(hits.get('/ok/image.tar')).toBe(1);
    const images = (await engine.listContainers({ filters: { label: [`reef.infra=${id}`] } })).map((c) => c.Image).sort();
    expect(images).toEqual([`${IMAGE}:${TAG_FILE}`, `${IMAGE}:${TAG_HTTP}`]);
    await call(open, openDir, 'DELETE', `/v1/infras/${id}`);
    await waitStatus(open, openDir, id, (s) => s.status === 'destroyed');
  }, 150_000);

  it('an allowed URL that redirects outside the prefix is refused at the fetch: the target is never requested', async () => {
    const id = `sec-files-bounce-${RUN}`.slice(0, 60);
    INFRAS.push(id);
    const nodes = dockerNode('sec_bounce', { image: IMAGE, tag: `b${RUN}`, origin: `${webUrl}/ok/bounce` });
    const put = await call(open, openDir, 'PUT', `/v1/infras/${id}`, { infra: infraOf(id, [['b', 'sec_bounce']]), nodes });
    expect(put.status, put.text).toBe(200);
    const s = await waitStatus(open, openDir, id, (st) => JSON.stringify(st).includes('REEF_HOST_ACCESS_DENIED') || JSON.stringify(st).includes('is not under a URL prefix'));
    expect(JSON.stringify(s)).toContain(`docker origin: \\"${webUrl}/secret\\" is not under a URL prefix the operator allowed`);
    expect(hits.get('/ok/bounce')).toBeGreaterThanOrEqual(1);
    expect(hits.get('/secret') ?? 0).toBe(0);
    await call(open, openDir, 'DELETE', `/v1/infras/${id}`);
  }, 120_000);

  it('a start-up setting that is not a directory or not a URL stops reef serve with one line (exit 2)', () => {
    for (const [args, message] of [
      [['serve', '--port', '0', '--allow-files', join(dir, 'nope')], `--allow-files ${join(dir, 'nope')}: not a directory`],
      [['serve', '--port', '0', '--allow-origin', 'not a url'], '--allow-origin "not a url": not a URL'],
    ] as const) {
      const r = reef(plainDir, ['--state', join(plainDir, 'other.db'), ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

