import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { puppetSoloConfigManager } from '../../src/reconcilers/config/index.js';
import { isReefError } from '../../src/reconcilers/errors.js';
import { sshExec, type SshTarget } from '../../src/reconcilers/ssh/index.js';
import { startTestSshd, type TestSshd } from '../fakes/sshd.js';
import { testContext } from './context.js';

describe('puppet_solo config manager against a real sshd (needs puppet)', () => {
  let sshd: TestSshd;
  let target: SshTarget;
  beforeAll(async () => {
    sshd = await startTestSshd();
    target = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey };
  });
  afterAll(() => sshd?.stop());

  it('applies uploaded manifests with attributes as facts, and re-applies harmlessly', async () => {
    const out = `${sshd.dir}/puppet-out.txt`;
    const config = {
      type: 'puppet_solo' as const,
      workdir: `${sshd.dir}/puppet`,
      manifests: [`file { '${out}': content => "port \${facts['port']} on \${facts['reef_node']}\\n" }`],
      attributes: { port: 8080 },
    };
    const req = { target, config, variables: {}, instanceId: 'i1', node: 'web' };
    await puppetSoloConfigManager.configure(req, testContext());
    await puppetSoloConfigManager.configure(req, testContext());
    expect((await sshExec(target, `cat ${out}`, testContext())).stdout).toBe('port 8080 on web\n');
  }, 60_000);

  it('fails with the puppet output when the catalog fails', async () => {
    const config = { type: 'puppet_solo' as const, workdir: `${sshd.dir}/puppet`, manifests: ["fail('broken on purpose')"] };
    try {
      await puppetSoloConfigManager.configure({ target, config, variables: {}, instanceId: 'i2', node: 'web' }, testContext());
      expect.unreachable();
    } catch (err) {
      expect(isReefError(err) && err.code).toBe('REEF_CONFIG_FAILED');
      expect((err as Error).message).toContain('broken on purpose');
    }
  }, 60_000);
});
