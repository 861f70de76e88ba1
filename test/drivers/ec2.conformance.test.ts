/** The ec2 driver against the HTTP-level EC2 fake on 127.0.0.1 (test/fakes/ec2-server.ts). */
import { afterAll, beforeAll } from 'vitest';
import { systemClock } from '../../src/controller/clock.js';
import { describeDriverConformance } from '../../src/conformance/vitest.js';
import { createEc2Driver } from '../../src/reconcilers/ec2/index.js';
import type { Ec2Resource } from '../../src/reconcilers/ec2/schema.js';
import { silentLogger } from '../../src/util/log.js';
import { FakeEc2Server } from '../fakes/ec2-server.js';
import { CREDENTIALS, resourceAt } from '../ec2/harness.js';

let fake: FakeEc2Server;
beforeAll(async () => {
  fake = await FakeEc2Server.start({ now: () => systemClock.now() });
});
afterAll(() => fake?.close());

describeDriverConformance<Ec2Resource>('ec2 (wire fake)', () => ({
  name: 'ec2',
  driver: () => createEc2Driver({ stateDir: '/nonexistent', log: silentLogger() }),
  resource: resourceAt(fake.url),
  credentials: CREDENTIALS,
  resourceAt: ({ host, port }) => resourceAt(`http://${host}:${port}`),
}));
