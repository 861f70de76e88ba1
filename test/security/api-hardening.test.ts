/**
 * The API never acts on the server's own files for a client (D2, D3), keeps its error shape (D16), answers HEAD on
 * the event stream (D21), and refuses a token file others can read (D14).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateToken } from '../../src/api/token.js';
import { AUTH, apiHarness, type ApiHarness } from '../api/helpers.js';

const INFRA = 'infra_name: sec-api\nnodes:\n  - name: a\n    type: sec_b\n';
const NODES = "'node_def:sec_b':\n  - resource:\n      type: dummy\n";

let h: ApiHarness;
let outside: string;
beforeAll(async () => {
  h = await apiHarness();
  outside = mkdtempSync(join(tmpdir(), 'reef-sec-outside-'));
});
afterAll(async () => {
  await h.close();
  rmSync(outside, { recursive: true, force: true });
});

const put = (id: string, authPath: string) =>
  h.api.inject({ method: 'PUT', url: `/v1/infras/${id}`, headers: AUTH, payload: { infra: INFRA.replace('sec-api', id), nodes: NODES, authPath } });

describe('authPath names only files the operator allowed (D2, D3)', () => {
  it('a path outside the allowed files is refused without being opened, and nothing is quoted', async () => {
    const secret = join(outside, 'fake-shadow');
    writeFileSync(secret, 'root:$6$SECRETHASHabcdef:19000:0:99999:7:::\n');
    for (const p of [secret, '/etc/hostname', '/proc/self/environ', join(outside, 'missing')]) {
      const res = await put('sec-auth', p);
      expect(res.statusCode, p).toBe(400);
      expect(res.json()).toMatchObject({ status_code: 400, code: 'REEF_API_BAD_REQUEST' });
      expect(res.json().message).toMatch(/^authPath must name an auth file the operator allowed/);
      expect(res.body).not.toContain('SECRETHASH');
    }
    expect(await h.store.getInfra('sec-auth')).toBeUndefined();
  });

  it('a FIFO or /dev/zero is refused at once (outside: not opened; inside: not a regular file)', async () => {
    const fifo = join(outside, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const inner = join(h.dir, 'auth-fifo');
    execFileSync('mkfifo', [inner]);
    const t0 = performance.now();
    for (const p of [fifo, '/dev/zero', inner]) expect((await put('sec-fifo', p)).statusCode, p).toBe(400);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((await h.api.inject({ method: 'GET', url: '/v1/health', headers: AUTH })).statusCode).toBe(200);
  });

  it('a symlink in the allowed folder that leads out of it is refused', async () => {
    const secret = join(outside, 'secret.yaml');
    writeFileSync(secret, 'resource: []\n');
    symlinkSync(secret, join(h.dir, 'link.yaml'));
    expect((await put('sec-link', join(h.dir, 'link.yaml'))).statusCode).toBe(400);
  });

  it('an allowed file with errors: positions only, never its content', async () => {
    const bad = join(h.dir, 'bad-auth.yaml');
    writeFileSync(bad, 'root:$6$SECRETHASH: 1\nresource: "TOPSECRET-VALUE"\n');
    const res = await put('sec-badauth', bad);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toMatch(/SECRETHASH|TOPSECRET/);
    expect(res.json().message).toContain('bad-auth.yaml:1:1: invalid auth file (details withheld');
  });

  it('an allowed, valid file is accepted', async () => {
    const ok = join(h.dir, 'ok-auth.yaml');
    writeFileSync(ok, 'resource:\n  - type: dummy\n    auth_data: { secretkey: TOPSECRET-123 }\n');
    expect((await put('sec-okauth', ok)).statusCode).toBe(200);
  });
});

describe('HTTP surface', () => {
  it('router errors have the documented shape and do not echo the URL (D16)', async () => {
    for (const url of ['/v1/infras/%ff', `/v1/infras/${'x'.repeat(5000)}`]) {
      const res = await h.api.inject({ method: 'GET', url, headers: AUTH });
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json()).sort()).toEqual(['code', 'message', 'reason', 'status_code']);
      expect(res.body).not.toContain('xxxxxxxxxx');
    }
  });

  it('HEAD /v1/events answers with headers and ends (D21)', async () => {
    const res = await h.api.inject({ method: 'HEAD', url: '/v1/events', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.body).toBe('');
  });

  it('a refused request closes its connection', async () => {
    const res = await h.api.inject({ method: 'PUT', url: '/v1/nodedefs', payload: 'x' });
    expect(res.statusCode).toBe(401);
    expect(res.headers.connection).toBe('close');
  });
});

describe('token file (D14)', () => {
  it('refuses a token file others can read, a symlink, or a directory; makes a new one 0600', () => {
    const d = mkdtempSync(join(tmpdir(), 'reef-sec-token-'));
    try {
      const t = join(d, 'token');
      writeFileSync(t, 'abcdefghijklmnopqrstuvwxyz012345\n', { mode: 0o644 });
      chmodSync(t, 0o644);
      expect(() => loadOrCreateToken(t)).toThrow(/can be read by others \(mode 644\); chmod 600 it/);
      chmodSync(t, 0o600);
      expect(loadOrCreateToken(t).token).toBe('abcdefghijklmnopqrstuvwxyz012345');
      symlinkSync(t, join(d, 'link'));
      expect(() => loadOrCreateToken(join(d, 'link'))).toThrow(/symbolic link/);
      symlinkSync(join(d, 'nowhere'), join(d, 'dangling'));
      expect(() => loadOrCreateToken(join(d, 'dangling'))).toThrow(/symbolic link/);
      mkdirSync(join(d, 'dir'));
      expect(() => loadOrCreateToken(join(d, 'dir'))).toThrow(/not a regular file/);
      expect(loadOrCreateToken(join(d, 'fresh')).created).toBe(true);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('a destroyed infra is not scaled (D15)', () => {
  it('409 REEF_INFRA_DESTROYED on the Occopus and /v1 scale routes', async () => {
    expect((await h.api.inject({ method: 'PUT', url: '/v1/infras/sec-gone', headers: AUTH, payload: { infra: INFRA.replace('sec-api', 'sec-gone'), nodes: NODES } })).statusCode).toBe(200);
    await h.waitFor('sec-gone', (x) => x.converged);
    await h.api.inject({ method: 'DELETE', url: '/v1/infras/sec-gone', headers: AUTH });
    await h.waitFor('sec-gone', (x) => x.status === 'destroyed');
    const occopus = await h.api.inject({ method: 'POST', url: '/infrastructures/sec-gone/scaleto/a/5', headers: AUTH });
    expect(occopus.statusCode).toBe(409);
    expect(occopus.json()).toMatchObject({ code: 'REEF_INFRA_DESTROYED' });
    const v1 = await h.api.inject({ method: 'PUT', url: '/v1/infras/sec-gone/nodes/a/scale', headers: AUTH, payload: { by: 1 } });
    expect(v1.statusCode).toBe(409);
  });
});
