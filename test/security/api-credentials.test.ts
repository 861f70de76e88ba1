/**
 * Credentials for API clients (issue 10, item 3): a client names an auth entry the operator provided
 * (`reef serve --auth FILE`, `"auth": NAME`), never a path, and the entry's secrets go only to the endpoint the
 * entry names. Before, a client with `authPath` (an allowed file) could point a section at its own endpoint and
 * receive the operator's Keystone password or AWS session token. A real `reef serve` subprocess; the "clouds" are
 * local HTTP servers on 127.0.0.1 recording every byte they receive.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/serve.js';
import { reef } from '../helpers/cli.js';

const RUN = `${process.pid}${Date.now().toString(36)}`;
const AKID = `AKIDLAB${RUN}`.toUpperCase();
const SESSION = `SESSIONLAB${RUN}`;
const NOVA_PASSWORD = `NOVAPASS${RUN}`;
const PLAIN_AKID = `AKIDPLAIN${RUN}`.toUpperCase();
const AMBIENT_AKID = `AKIDAMBIENT${RUN}`.toUpperCase();

interface Cloud { server: Server; url: string; seen: string[] }

async function fakeCloud(): Promise<Cloud> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${body}`);
      res.statusCode = 503; // a cloud that is down: callers retry, nothing else
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

let dir: string;
let lab: Cloud;
let attacker: Cloud;
let serve: { proc: ChildProcess; url: string };
const token = () => readFileSync(join(dir, '.reef', 'api-token'), 'utf8').trim();

async function put(id: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${serve.url}/v1/infras/${id}`, {
    method: 'PUT', body: JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const del = (id: string) => fetch(`${serve.url}/v1/infras/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token()}` } });

const ec2Nodes = (endpoint: string) =>
  `'node_def:sec_ec2':\n  - resource: {type: ec2, endpoint: "${endpoint}", regionname: us-east-1, image_id: ami-12345678, instance_type: t2.micro}\n    health_check: {ping: false}\n`;
const novaNodes = (endpoint: string) =>
  `'node_def:sec_nova':\n  - resource: {type: nova, endpoint: "${endpoint}", project_id: p1, image_id: i1, flavor_name: m1.tiny}\n    health_check: {ping: false}\n`;
const infra = (id: string, type: string) => `infra_name: ${id}\nnodes: [{name: a, type: ${type}}]\n`;

async function waitUntil(what: string, done: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reef-sec-creds-'));
  lab = await fakeCloud();
  attacker = await fakeCloud();
  writeFileSync(join(dir, 'ops-auth.yaml'), [
    'resource:',
    '  - type: ec2',
    '    name: lab-ec2',
    `    endpoint: ${lab.url}`,
    `    auth_data: {accesskey: ${AKID}, secretkey: wJalrXUtnFEMIEXAMPLE${RUN}, session_token: ${SESSION}}`,
    '  - type: nova',
    '    name: lab-nova',
    `    auth_data: {username: reef, password: ${NOVA_PASSWORD}, user_domain_name: Default}`,
    // plain Occopus entries (no name, no endpoint): before, they matched any section of their type
    '  - type: nova',
    `    auth_data: {username: reef, password: ${NOVA_PASSWORD}}`,
    '  - type: ec2',
    `    auth_data: {accesskey: ${PLAIN_AKID}, secretkey: plain${RUN}}`,
    '',
  ].join('\n'), { mode: 0o600 });
  // the server's own credentials (the SDK's chain); never an instance role off loopback
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: AMBIENT_AKID, AWS_SECRET_ACCESS_KEY: `ambient${RUN}` });
  serve = await startServe(dir, ['--resync', '1', '--auth', 'ops-auth.yaml']);
  for (const k of ['AWS_EC2_METADATA_DISABLED', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[k];
}, 40_000);

afterAll(async () => {
  serve?.proc.kill('SIGTERM');
  await Promise.all([lab, attacker].map((c) => new Promise((r) => c?.server.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

describe('API credentials come from the operator\'s named auth entries, and go only to their endpoint', () => {
  it('by name, toward the entry\'s endpoint: the cloud receives the signed request', async () => {
    const r = await put('sec-cred-ok', { infra: infra('sec-cred-ok', 'sec_ec2'), nodes: ec2Nodes(lab.url), auth: 'lab-ec2' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    await waitUntil('a signed request at the entry\'s endpoint', () => lab.seen.some((s) => s.includes(AKID) && s.includes(SESSION)));
    await del('sec-cred-ok');
  });

  it('a section pointing elsewhere gets neither the entry\'s keys nor the server\'s own: nothing reaches that endpoint', async () => {
    const r = await put('sec-cred-redirect', { infra: infra('sec-cred-redirect', 'sec_ec2'), nodes: ec2Nodes(attacker.url), auth: 'lab-ec2' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const later = Date.now() + 4000;
    await waitUntil('a few reconcile rounds', () => Date.now() > later);
    expect(attacker.seen.filter((s) => [AKID, SESSION, AMBIENT_AKID].some((k) => s.includes(k)))).toEqual([]);
    expect(attacker.seen).toEqual([]);
    await del('sec-cred-redirect');
  });

  it('the older authPath form (an operator file) is pinned the same way: a Keystone password never goes to a client\'s endpoint', async () => {
    const before = attacker.seen.length;
    const ids = ['sec-cred-nova-path', 'sec-cred-ec2-path', 'sec-cred-nova-name'];
    const cases = [
      { infra: infra(ids[0], 'sec_nova'), nodes: novaNodes(`${attacker.url}/v3`), authPath: join(dir, 'ops-auth.yaml') },
      { infra: infra(ids[1], 'sec_ec2'), nodes: ec2Nodes(attacker.url), authPath: join(dir, 'ops-auth.yaml') },
      { infra: infra(ids[2], 'sec_nova'), nodes: novaNodes(`${attacker.url}/v3`), auth: 'lab-nova' },
    ];
    for (const [i, body] of cases.entries()) {
      const r = await put(ids[i], body);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
    const later = Date.now() + 4000;
    await waitUntil('a few reconcile rounds', () => Date.now() > later);
    expect(attacker.seen.slice(before).filter((s) => [NOVA_PASSWORD, PLAIN_AKID, AMBIENT_AKID].some((k) => s.includes(k)))).toEqual([]);
    for (const id of ids) await del(id);
  });

  it('reef --server URL apply --auth NAME names the entry (a file path is sent only for a file that exists here)', async () => {
    writeFileSync(join(dir, 'cli-infra.yaml'), infra('sec-cred-cli', 'sec_ec2'));
    writeFileSync(join(dir, 'cli-nodes.yaml'), ec2Nodes(lab.url));
    const before = lab.seen.length;
    const r = reef(dir, ['--server', serve.url, 'apply', 'cli-infra.yaml', '--nodes', 'cli-nodes.yaml', '--auth', 'lab-ec2']);
    expect(r.code, r.stderr).toBe(0);
    await waitUntil('a signed request at the entry\'s endpoint', () => lab.seen.slice(before).some((s) => s.includes(AKID)));
    const bad = reef(dir, ['--server', serve.url, 'apply', 'cli-infra.yaml', '--nodes', 'cli-nodes.yaml', '--auth', 'no-such-entry']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no auth entry named "no-such-entry"');
    await del('sec-cred-cli');
  });

  it('a name that is not an operator entry, or a path given as a name, is a 400 naming the entries there are', async () => {
    for (const name of ['nope', join(dir, 'ops-auth.yaml'), '/etc/passwd']) {
      const r = await put('sec-cred-bad', { infra: infra('sec-cred-bad', 'sec_ec2'), nodes: ec2Nodes(lab.url), auth: name });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: 'REEF_API_BAD_REQUEST', message: `no auth entry named "${name}" (the operator's named entries: lab-ec2, lab-nova; reef serve --auth FILE)` });
      expect((await fetch(`${serve.url}/v1/infras/sec-cred-bad`, { headers: { authorization: `Bearer ${token()}` } })).status).toBe(404);
    }
  });
});
