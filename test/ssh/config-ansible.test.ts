import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnsibleConfigManager, ansibleConfigManager } from '../../src/reconcilers/config/index.js';
import { isReefError } from '../../src/reconcilers/errors.js';
import { sshExec, type SshTarget } from '../../src/reconcilers/ssh/index.js';
import { startTestSshd, type TestSshd } from '../fakes/sshd.js';
import { testContext } from './context.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    if (!isReefError(err)) throw err;
    return err.code;
  }
}

describe('ansible config manager against a real sshd (needs ansible-core)', () => {
  let sshd: TestSshd;
  let target: SshTarget;
  const local = mkdtempSync(join(tmpdir(), 'reef-playbooks-'));
  beforeAll(async () => {
    sshd = await startTestSshd();
    target = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.privateKey };
  });
  afterAll(() => sshd?.stop());

  it('runs a playbook with the node variables as extra vars, twice', async () => {
    const playbook = join(local, 'site.yml');
    writeFileSync(
      playbook,
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy:\n        dest: "{{ out }}"\n        content: "{{ greeting }} from {{ reef_node }}\\n"\n`,
    );
    const out = `${sshd.dir}/ansible-out.txt`;
    const req = { target, config: { type: 'ansible' as const, playbook, extra_vars: { out } }, variables: { greeting: 'hi' }, instanceId: 'i1', node: 'db' };
    await ansibleConfigManager.configure(req, testContext());
    await ansibleConfigManager.configure(req, testContext());
    expect((await sshExec(target, `cat ${out}`, testContext())).stdout).toBe('hi from db\n');
  }, 60_000);

  it('reports a failing playbook, a missing playbook and a missing binary', async () => {
    const failing = join(local, 'fail.yml');
    writeFileSync(failing, `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: /bin/false\n`);
    const base = { target, variables: {}, instanceId: 'i2', node: 'db' };
    expect(await codeOf(ansibleConfigManager.configure({ ...base, config: { type: 'ansible', playbook: failing } }, testContext()))).toBe('REEF_CONFIG_FAILED');
    expect(await codeOf(ansibleConfigManager.configure({ ...base, config: { type: 'ansible', playbook: join(local, 'nope.yml') } }, testContext()))).toBe(
      'REEF_CONFIG_PLAYBOOK_MISSING',
    );
    const missing = createAnsibleConfigManager({ command: '/nonexistent/ansible-playbook' });
    expect(await codeOf(missing.configure({ ...base, config: { type: 'ansible', playbook: failing } }, testContext()))).toBe('REEF_CONFIG_ANSIBLE_MISSING');
  }, 60_000);
});
