import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellConfigManager } from '../../src/reconcilers/config/index.js';
import { isReefError } from '../../src/reconcilers/errors.js';
import { sshExec, type SshTarget } from '../../src/reconcilers/ssh/index.js';
import { startTestSshd, type TestSshd } from '../fakes/sshd.js';
import { recordingContext, testContext } from './context.js';

describe('shell config manager against a real sshd', () => {
  let sshd: TestSshd;
  let target: SshTarget;
  beforeAll(async () => {
    sshd = await startTestSshd();
    target = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey };
  });
  afterAll(() => sshd?.stop());

  it('uploads files, runs scripts in order with REEF_* set, logs output with the instance, and re-runs harmlessly', async () => {
    const dir = `${sshd.dir}/shell-ok`;
    const config = {
      type: 'shell' as const,
      files: [{ path: `${dir}/setup.sh`, content: 'echo "setup $1" >> "$(dirname "$0")/order"\n', mode: '0755' }],
      script: `${dir}/setup.sh one`,
      scripts: [`echo "$REEF_NODE $REEF_INSTANCE" > ${dir}/who; echo second >> ${dir}/order; echo visible`],
    };
    const { ctx, records } = recordingContext({ instance: 'web-app-1', node: 'app' });
    const req = { target, config, variables: {}, instanceId: 'web-app-1', node: 'app' };
    await shellConfigManager.configure(req, ctx);
    await shellConfigManager.configure(req, testContext());
    const res = await sshExec(target, `cat ${dir}/who ${dir}/order; stat -c %a ${dir}/setup.sh`, testContext());
    expect(res.stdout).toBe('app web-app-1\nsetup one\nsecond\nsetup one\nsecond\n755\n');
    expect(records).toContainEqual(expect.objectContaining({ level: 30, msg: 'visible', instance: 'web-app-1', node: 'app', step: 'script 2/2' }));
  });

  it('stops at the first failing script with the last 20 output lines', async () => {
    const dir = `${sshd.dir}/shell-fail`;
    const config = { type: 'shell' as const, scripts: [`mkdir -p ${dir}; for i in $(seq 1 30); do echo line$i; done; exit 5`, `touch ${dir}/never`] };
    try {
      await shellConfigManager.configure({ target, config, variables: {}, instanceId: 'i', node: 'n' }, testContext());
      expect.unreachable();
    } catch (err) {
      expect(isReefError(err) && [err.code, err.transient]).toEqual(['REEF_CONFIG_FAILED', false]);
      const message = (err as Error).message;
      expect(message).toContain(`shell script 1/2 on root@127.0.0.1:${sshd.port} exited with 5; last 20 output lines:`);
      expect(message).toContain('line11\n');
      expect(message).not.toContain('line10\n');
      expect(message.endsWith('line30')).toBe(true);
    }
    expect((await sshExec(target, `test -e ${dir}/never`, testContext())).code).toBe(1);
  });
});
