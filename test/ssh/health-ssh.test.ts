import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHealthChecks } from '../../src/reconcilers/health/run.js';
import { sshCheck } from '../../src/reconcilers/health/ssh.js';
import type { SshTarget } from '../../src/reconcilers/ssh/types.js';
import { startTestSshd, type TestSshd } from '../fakes/sshd.js';
import { testContext } from './context.js';

describe('ssh health check against a real sshd', () => {
  let sshd: TestSshd;
  let connection: SshTarget;
  beforeAll(async () => {
    sshd = await startTestSshd();
    connection = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey };
  });
  afterAll(() => sshd?.stop());

  it('is ok when the command exits as expected', async () => {
    const [probe] = await sshCheck.check({ target: { ip: '127.0.0.1' }, config: { command: 'test -d /', connection } }, testContext());
    expect(probe).toEqual({ name: 'ssh', ok: true, detail: `ssh "test -d /" on root@127.0.0.1:${sshd.port}: exit 0` });
  });

  it('honours expect_exit and reports the last output line', async () => {
    const [bad] = await sshCheck.check({ target: {}, config: { command: 'echo not ready >&2; exit 4', connection } }, testContext());
    expect(bad).toMatchObject({ ok: false, detail: expect.stringMatching(/exit 4 \(expected 0\): not ready$/) });
    const [good] = await sshCheck.check({ target: {}, config: { command: 'exit 4', expect_exit: 4, connection } }, testContext());
    expect(good.ok).toBe(true);
  });

  it('turns connection errors and missing access into failed probes', async () => {
    const [refused] = await sshCheck.check({ target: {}, config: { command: 'true', connection: { ...connection, port: 1 } } }, testContext());
    expect(refused).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
    const [none] = await sshCheck.check({ target: {}, config: { command: 'true' } }, testContext());
    expect(none).toMatchObject({ ok: false, detail: 'ssh "true": no SSH access configured for this instance' });
  });

  it('runs inside runHealthChecks with the deps connection', async () => {
    const probes = await runHealthChecks({ ports: [sshd.port], ssh: { command: 'true' } }, { ip: '127.0.0.1' }, testContext(), { ssh: connection });
    expect(probes.map((p) => [p.name, p.ok])).toEqual([
      ['ping', true],
      [`port ${sshd.port}`, true],
      ['ssh', true],
    ]);
  });
});
