/** The ssh (existing hosts) driver against Debian's sshd on 127.0.0.1 and 127.0.0.2 (test/fakes/sshd.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { describeDriverConformance } from '../../src/conformance/vitest.js';
import { createSshDriver, type SshResource } from '../../src/reconcilers/ssh/index.js';
import { poolKey } from '../../src/reconcilers/ssh/hosts.js';
import { silentLogger } from '../../src/util/log.js';
import { startTestSshd, type TestSshd } from '../fakes/sshd.js';

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startTestSshd({ extraListen: ['127.0.0.2'] });
});
afterAll(() => sshd?.stop());

// one pool file for the whole suite: claims must outlive one driver object, as they outlive a reef process
const stateDir = mkdtempSync(join(tmpdir(), 'reef-conf-ssh-'));

describeDriverConformance<SshResource>('ssh (real sshd)', () => ({
  name: 'ssh',
  driver: () => createSshDriver({ stateDir, log: silentLogger() }, { probeTimeoutMs: 1000 }),
  resource: { type: 'ssh', hosts: ['127.0.0.1', '127.0.0.2'], port: sshd.port },
  credentials: { private_key: sshd.privateKey, user: 'root' },
  resourceAt: ({ host, port }) => ({ type: 'ssh', hosts: [host], port }),
  missingRef: (resource) => ({ driver: 'ssh', endpoint: poolKey(resource), id: `127.0.0.1:${resource.port}#conformance-missing` }),
}));
