import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDriverConformance } from '../../src/conformance/vitest.js';
import { DummyDriver } from '../../src/reconcilers/dummy/driver.js';
import type { DummyResource } from '../../src/reconcilers/dummy/schema.js';
import { silentLogger } from '../../src/util/log.js';

const stateDir = mkdtempSync(join(tmpdir(), 'reef-conf-dummy-'));

describeDriverConformance<DummyResource>('dummy', {
  name: 'dummy',
  driver: () => new DummyDriver({ stateDir, log: silentLogger() }),
  resource: { type: 'dummy', endpoint: 'conformance' },
  unreachableResource: { type: 'dummy', endpoint: 'conformance-down', unreachable: true },
  slowResource: { type: 'dummy', endpoint: 'conformance', create_delay: 30_000 },
});
