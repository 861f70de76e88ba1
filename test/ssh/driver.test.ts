import { existsSync, mkdtempSync } from 'node:fs';
import { observeViaList } from '../drivers/observe.js';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReefError } from '../../src/reconcilers/errors.js';
import { createSshDriver, sshExec, type SshResource } from '../../src/reconcilers/ssh/index.js';
import { SshPoolDb, poolFilePath } from '../../src/reconcilers/ssh/pool-db.js';
import { silentLogger } from '../../src/util/log.js';
import { startTestSshd, type TestSshd } from '../fakes/sshd.js';
import { testContext } from './context.js';

const labels = (instance: string, infra = 'web') => ({ infra, node: 'app', instance });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isReefError(err)) return `${err.code}:${err.transient ? 'transient' : 'fatal'}`;
    throw err;
  }
  return 'resolved';
}

describe('ssh driver (existing hosts) against a real sshd on 127.0.0.1 and 127.0.0.2', () => {
  let sshd: TestSshd;
  let resource: SshResource;
  let credentials: Record<string, unknown>;
  const ctx = testContext();
  const newDriver = () => createSshDriver({ stateDir: mkdtempSync(join(tmpdir(), 'reef-sshpool-')), log: silentLogger() });

  beforeAll(async () => {
    sshd = await startTestSshd({ extraListen: ['127.0.0.2'] });
    resource = {
      type: 'ssh',
      hosts: ['127.0.0.1', { host: '127.0.0.2', name: 'second' }],
      port: sshd.port,
      cleanup_command: `touch ${sshd.dir}/cleaned-$(echo $SSH_CONNECTION | cut -d' ' -f3)`,
    };
    credentials = { private_key: sshd.privateKey, user: 'root' };
  });
  afterAll(() => sshd?.stop());

  it('claims free hosts idempotently, reports them running, and runs out clearly', async () => {
    const driver = newDriver();
    const a = await driver.create({ instanceId: 'i1', labels: labels('i1'), resource, context: { kind: 'none' }, credentials }, ctx);
    const again = await driver.create({ instanceId: 'i1', labels: labels('i1'), resource, context: { kind: 'none' }, credentials }, ctx);
    const b = await driver.create({ instanceId: 'i2', labels: labels('i2', 'other'), resource, context: { kind: 'none' }, credentials }, ctx);
    expect(a).toEqual({ ref: { driver: 'ssh', endpoint: driver.endpointKey(resource), id: `127.0.0.1:${sshd.port}#i1` }, addresses: { ip: '127.0.0.1', privateIp: '127.0.0.1' } });
    expect(again).toEqual(a);
    expect(b.addresses).toEqual({ ip: '127.0.0.2', privateIp: '127.0.0.2' });

    expect(await codeOf(driver.create({ instanceId: 'i3', labels: labels('i3'), resource, context: { kind: 'none' }, credentials }, ctx))).toBe(
      'REEF_SSH_POOL_EXHAUSTED:fatal',
    );
    expect(await observeViaList(driver, { ref: a.ref, resource, credentials }, ctx)).toMatchObject({ exists: true, phase: 'running', labels: labels('i1') });
    const all = await driver.list({ resource }, ctx);
    expect(all.map((o) => o.exists && [o.labels.instance, o.phase])).toEqual([['i1', 'running'], ['i2', 'running']]);
    expect((await driver.list({ resource, infraId: 'other' }, ctx)).length).toBe(1);
    await driver.close?.();
  });

  it('destroy runs the cleanup command, frees the host, and is idempotent', async () => {
    const driver = newDriver();
    const a = await driver.create({ instanceId: 'd1', labels: labels('d1'), resource, context: { kind: 'none' }, credentials }, ctx);
    await driver.destroy({ ref: a.ref, resource, credentials }, ctx);
    expect(existsSync(`${sshd.dir}/cleaned-127.0.0.1`)).toBe(true);
    expect(await observeViaList(driver, { ref: a.ref, resource, credentials }, ctx)).toEqual({ exists: false, ref: a.ref });
    await driver.destroy({ ref: a.ref, resource, credentials }, ctx);
    const next = await driver.create({ instanceId: 'd2', labels: labels('d2'), resource, context: { kind: 'none' }, credentials }, ctx);
    expect(next.addresses?.ip).toBe('127.0.0.1');
    // the stale ref of d1 must not free d2's claim
    await driver.destroy({ ref: a.ref, resource, credentials }, ctx);
    expect(await observeViaList(driver, { ref: next.ref, resource, credentials }, ctx)).toMatchObject({ exists: true });
    await driver.close?.();
  });

  it('uses private_key_path when the auth file gives no key, and hands out a working connection', async () => {
    const driver = newDriver();
    const withPath = { ...resource, private_key_path: sshd.privateKeyPath };
    const a = await driver.create({ instanceId: 'k1', labels: labels('k1'), resource: withPath, context: { kind: 'none' } }, ctx);
    const res = await sshExec(driver.connectionFor(a.ref, withPath), 'echo $USER', ctx);
    expect(res.stdout).toBe('root\n');
    await driver.close?.();
  });

  it('fails fatally on a rejected login and gives the host back', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const driver = newDriver();
    const req = { instanceId: 'x1', labels: labels('x1'), resource, context: { kind: 'none' as const }, credentials: { private_key: other } };
    expect(await codeOf(driver.create(req, ctx))).toBe('REEF_SSH_AUTH:fatal');
    expect(await driver.list({ resource }, ctx)).toEqual([]);
    await driver.close?.();
  });

  it('refuses a host whose key changed since it was first seen', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'reef-sshpool-'));
    const db = new SshPoolDb(poolFilePath(stateDir));
    db.recordHostKey(`127.0.0.1:${sshd.port}`, 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 1);
    db.close();
    const driver = createSshDriver({ stateDir, log: silentLogger() });
    const req = { instanceId: 'h1', labels: labels('h1'), resource, context: { kind: 'none' as const }, credentials };
    expect(await codeOf(driver.create(req, ctx))).toBe('REEF_SSH_HOSTKEY_CHANGED:fatal');
    await driver.close?.();
  });

  it('keeps the claim of an unreachable host (transient) and reports it pending', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down: SshResource = { type: 'ssh', hosts: ['127.0.0.1'], port };
    const driver = newDriver();
    const req = { instanceId: 'u1', labels: labels('u1'), resource: down, context: { kind: 'none' as const }, credentials };
    expect(await codeOf(driver.create(req, ctx))).toBe('REEF_SSH_UNREACHABLE:transient');
    const [obs] = await driver.list({ resource: down }, ctx);
    expect(obs).toMatchObject({ exists: true, phase: 'pending', reason: `127.0.0.1:${port}: ECONNREFUSED` });
    await driver.destroy({ ref: obs.ref, resource: down }, ctx);
    expect(await driver.list({ resource: down }, ctx)).toEqual([]);
    await driver.close?.();
  });
});
