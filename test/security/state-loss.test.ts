/**
 * Review D9: state loss is never silent. A real `reef serve` subprocess deploys instances that keep dying (so its
 * controller keeps wanting to create replacements); then its state directory is deleted, or its files made
 * immutable (chattr +i: root ignores permission bits, and a read-only remount is refused while files are open).
 * /v1/health must answer 503 saying why, every API write must be refused with a catalogued 503, an error line
 * must be logged, and no instance may be created while the store cannot keep it. A read-only store that becomes
 * writable again is used again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../helpers/serve.js';

const NODES = `'node_def:sec_dying':
  - resource: {type: dummy, create_delay: 50, boot_delay: 100, die_after: 1200}
`;
const INFRA = 'infra_name: sec-loss\nnodes:\n  - name: n\n    type: sec_dying\n    scaling: {min: 2, max: 6}\n';

let dir = '';
let serve: ServeProcess | undefined;
let immutable: string[] = [];

afterEach(() => {
  if (immutable.length) execFileSync('chattr', ['-i', ...immutable]);
  immutable = [];
  serve?.proc.kill('SIGTERM');
  serve = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deploy(): Promise<{ call: (method: string, path: string, body?: string) => Promise<{ status: number; body: Record<string, unknown> }> }> {
  dir = mkdtempSync(join(tmpdir(), 'reef-sec-loss-'));
  serve = await startServe(dir, ['--resync', '1']);
  const token = readFileSync(join(dir, '.reef', 'api-token'), 'utf8').trim();
  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(serve!.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  expect((await call('PUT', '/v1/nodedefs', NODES)).status).toBe(200);
  expect((await call('POST', '/infrastructures/', INFRA)).status).toBe(200);
  // the controller is creating replacements of dying instances all the time
  const t0 = Date.now();
  while (creates(serve.stderr()) < 3) {
    if (Date.now() - t0 > 30_000) throw new Error(`no creates: ${serve.stderr()}`);
    await sleep(200);
  }
  return { call };
}

const creates = (log: string) => (log.match(/creating \d+ × n/g) ?? []).length;

/** Calls already under way may end; after that the controller creates nothing while instances keep dying. */
async function expectStillWhileUnavailable(code: string): Promise<number> {
  await sleep(2000);
  const before = creates(serve!.stderr());
  await sleep(5000);
  expect(creates(serve!.stderr())).toBe(before);
  expect(serve!.stderr().split('\n').some((l) => l.includes('"level":50') && l.includes(code))).toBe(true);
  return before;
}

describe('D9: the state directory lost or read-only under reef serve', () => {
  it('deleted: health 503 REEF_STATE_GONE, writes refused with 503, an error logged, no more creates', async () => {
    const { call } = await deploy();
    rmSync(join(dir, '.reef'), { recursive: true, force: true });
    const health = await call('GET', '/v1/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unhealthy', status_code: 503, code: 'REEF_STATE_GONE', reason: 'Service Unavailable' });
    expect(health.body.message).toMatch(/was deleted while reef had it open/);

    const scale = await call('POST', '/infrastructures/sec-loss/scaleto/n/5');
    expect(scale.status).toBe(503);
    expect(scale.body).toMatchObject({ code: 'REEF_STATE_GONE', status_code: 503 });
    const other = await call('POST', '/infrastructures/', INFRA.replace('sec-loss', 'sec-loss-2'));
    expect(other.status).toBe(503);
    expect(other.body.code).toBe('REEF_STATE_GONE');

    await expectStillWhileUnavailable('REEF_STATE_GONE');
    expect((await call('GET', '/v1/health')).status).toBe(503);
    expect(existsSync(join(dir, '.reef'))).toBe(false); // nothing pretended to write a new store
  }, 60_000);

  it('read-only (chattr +i): health 503 REEF_STATE_READONLY, writes refused, no creates; writable again: used again', async () => {
    const { call } = await deploy();
    const db = join(dir, '.reef', 'state.db');
    immutable = [db, `${db}-wal`].filter((f) => existsSync(f));
    execFileSync('chattr', ['+i', ...immutable]);

    const health = await call('GET', '/v1/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unhealthy', code: 'REEF_STATE_READONLY' });
    expect(health.body.message).toMatch(/no longer writable \(EPERM\)/);
    const scale = await call('POST', '/infrastructures/sec-loss/scaleto/n/5');
    expect(scale.status).toBe(503);
    expect(scale.body.code).toBe('REEF_STATE_READONLY');

    const before = await expectStillWhileUnavailable('REEF_STATE_READONLY');

    execFileSync('chattr', ['-i', ...immutable]);
    immutable = [];
    // healthy again at once (a write that failed mid-way is probed with a no-op write)
    expect((await call('GET', '/v1/health')).status).toBe(200);
    expect((await call('POST', '/infrastructures/sec-loss/scaleto/n/5')).status).toBe(200);
    // the controller acts again: replacements are created once more
    const t0 = Date.now();
    while (creates(serve!.stderr()) === before && Date.now() - t0 < 20_000) await sleep(200);
    expect(creates(serve!.stderr())).toBeGreaterThan(before);
  }, 90_000);
});
