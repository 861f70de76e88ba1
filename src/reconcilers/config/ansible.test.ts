import { describe, expect, it } from 'vitest';
import { ansibleEnv } from './ansible.js';

describe('ansibleEnv', () => {
  it('turns pipelining on (one SSH login per task) and ssh masters off', () => {
    const env = ansibleEnv({ PATH: '/usr/bin' }, '/tmp/x');
    expect(env).toMatchObject({ PATH: '/usr/bin', ANSIBLE_PIPELINING: 'True', ANSIBLE_SSH_ARGS: '-o ControlMaster=no', ANSIBLE_LOCAL_TEMP: '/tmp/x/tmp' });
  });

  it("keeps the caller's pipelining choice", () => {
    expect(ansibleEnv({ ANSIBLE_PIPELINING: 'False' }, '/tmp/x').ANSIBLE_PIPELINING).toBe('False');
  });
});
