import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReefError } from '../../src/reconcilers/errors.js';
import { sshExec, sshUpload, type SshTarget } from '../../src/reconcilers/ssh/index.js';
import { startTestSshd, type TestSshd } from '../fakes/sshd.js';
import { testContext } from './context.js';

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; transient: boolean; message: string }> {
  try {
    await p;
  } catch (err) {
    if (!isReefError(err)) throw err;
    return { code: err.code, transient: err.transient, message: err.message };
  }
  throw new Error('expected a rejection');
}

describe('ssh exec and upload against a real sshd', () => {
  let sshd: TestSshd;
  let target: SshTarget;
  beforeAll(async () => {
    sshd = await startTestSshd();
    target = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey };
  });
  afterAll(() => sshd?.stop());

  it('runs a command, returns output, exit code and streams lines', async () => {
    const lines: string[] = [];
    const res = await sshExec(target, 'echo one; echo two >&2; printf three; exit 3', testContext(), {
      onOutput: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(res).toMatchObject({ code: 3, stdout: 'one\nthree', stderr: 'two\n' });
    expect(lines).toEqual(expect.arrayContaining(['stdout:one', 'stderr:two', 'stdout:three']));
    expect(res.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);
  });

  it('passes stdin', async () => {
    const res = await sshExec(target, 'tr a-z A-Z', testContext(), { stdin: 'hello\n' });
    expect(res).toMatchObject({ code: 0, stdout: 'HELLO\n' });
  });

  it('reads the key from privateKeyPath', async () => {
    const res = await sshExec({ ...target, privateKey: undefined, privateKeyPath: sshd.privateKeyPath }, 'true', testContext());
    expect(res.code).toBe(0);
  });

  it('uploads files over sftp with modes, creating folders, idempotently', async () => {
    const dir = `${sshd.dir}/up/nested`;
    const files = [
      { path: `${dir}/run.sh`, content: '#!/bin/sh\necho ran\n', mode: 0o755 },
      { path: `${dir}/data.txt`, content: Buffer.from('data') },
    ];
    await sshUpload(target, files, testContext());
    await sshUpload(target, files, testContext());
    const res = await sshExec(target, `${dir}/run.sh && cat ${dir}/data.txt && stat -c %a ${dir}/run.sh ${dir}/data.txt`, testContext());
    expect(res.stdout).toBe('ran\ndata755\n644\n');
  });

  it('refuses a relative upload path', async () => {
    expect(await errorOf(sshUpload(target, [{ path: 'rel.txt', content: 'x' }], testContext()))).toMatchObject({
      code: 'REEF_SSH_UPLOAD_PATH',
      transient: false,
    });
  });

  it('fails fatally on a rejected key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const err = await errorOf(sshExec({ ...target, privateKey: other }, 'true', testContext()));
    expect(err).toMatchObject({ code: 'REEF_SSH_AUTH', transient: false });
    expect(err.message).not.toContain('PRIVATE KEY');
  });

  it('fails fatally without credentials and on an unparsable key', async () => {
    expect(await errorOf(sshExec({ ...target, privateKey: undefined }, 'true', testContext()))).toMatchObject({
      code: 'REEF_SSH_NO_CREDENTIALS',
    });
    expect(await errorOf(sshExec({ ...target, privateKey: 'not a key' }, 'true', testContext()))).toMatchObject({
      code: 'REEF_SSH_KEY_INVALID',
      transient: false,
    });
  });

  it('treats a refused port as transient', async () => {
    const err = await errorOf(sshExec({ ...target, port: await closedPort() }, 'true', testContext()));
    expect(err).toMatchObject({ code: 'REEF_SSH_UNREACHABLE', transient: true });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('treats a silent server (no SSH banner) as a transient handshake timeout', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const err = await errorOf(sshExec({ ...target, port, readyTimeoutMs: 300 }, 'true', testContext()));
      expect(err).toMatchObject({ code: 'REEF_SSH_UNREACHABLE', transient: true });
    } finally {
      silent.close();
    }
  });

  it('trusts the host key on first use, then refuses a different one', async () => {
    const seen: string[] = [];
    await sshExec({ ...target, hostKey: { onFirstSeen: (fp) => seen.push(fp) } }, 'true', testContext());
    expect(seen).toEqual([sshd.hostKeyFingerprint]);
    const ok = await sshExec({ ...target, hostKey: { expected: seen[0], onFirstSeen: (fp) => seen.push(fp) } }, 'true', testContext());
    expect(ok.code).toBe(0);
    expect(seen).toHaveLength(1);
    const err = await errorOf(sshExec({ ...target, hostKey: { expected: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }, 'true', testContext()));
    expect(err).toMatchObject({ code: 'REEF_SSH_HOSTKEY_CHANGED', transient: false });
    expect(err.message).toContain(sshd.hostKeyFingerprint);
  });

  it('tunnels through a jump host', async () => {
    const res = await sshExec({ ...target, jump: { ...target } }, 'echo via-jump', testContext());
    expect(res.stdout).toBe('via-jump\n');
  });

  it('stops a running command when the signal aborts', async () => {
    const ac = new AbortController();
    // short sleeps: OpenSSH will not signal a root session's command, so it runs on after the abort
    const pending = sshExec(target, 'sleep 3', testContext(ac.signal));
    setTimeout(() => ac.abort(new Error('cancelled')), 300);
    await expect(pending).rejects.toThrow('cancelled');
  });

  it('bounds a command with timeoutMs', async () => {
    expect(await errorOf(sshExec(target, 'sleep 3', testContext(), { timeoutMs: 300 }))).toMatchObject({
      code: 'REEF_SSH_TIMEOUT',
      transient: true,
    });
  });
});
