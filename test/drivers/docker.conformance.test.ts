/** The docker driver against the real engine (CI starts one: .ci/setup.d); dead and silent endpoints are on 127.0.0.1. */
import { beforeAll } from 'vitest';
import { describeDriverConformance } from '../../src/conformance/vitest.js';
import { DockerDriver } from '../../src/reconcilers/docker/driver.js';
import type { DockerResource } from '../../src/reconcilers/docker/schema.js';
import { silentLogger } from '../../src/util/log.js';
import { BASE_IMAGE, ENDPOINT, engine, removeInfra, requireEngine } from '../docker/engine.js';

beforeAll(requireEngine, 300_000);

const resource = (endpoint: string): DockerResource => ({ type: 'docker', endpoint, image: BASE_IMAGE, tag: 'latest', origin: 'local' });

describeDriverConformance<DockerResource>('docker (real engine)', {
  name: 'docker',
  driver: () => new DockerDriver({ log: silentLogger() }),
  resource: resource(ENDPOINT),
  payload: { kind: 'docker', env: [], command: 'sleep 3600' },
  resourceAt: ({ host, port }) => resource(`tcp://${host}:${port}`),
  foreign: async () => {
    // a container at the same engine that reef did not label: list() must not return it
    const c = await engine.createContainer({ Image: `${BASE_IMAGE}:latest`, Cmd: ['sleep', '60'], Labels: { 'reef.conformance.foreign': '1' } });
    return async () => void (await c.remove({ force: true }).catch(() => undefined));
  },
  cleanup: async (infra) => void (await removeInfra(infra)),
});
