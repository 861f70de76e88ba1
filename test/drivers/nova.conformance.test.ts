/** The nova driver against real OpenStack (scripts/openstack/openstack.sh, .ci/setup.d/50-openstack.sh). */
import { beforeAll } from 'vitest';
import { describeDriverConformance } from '../../src/conformance/vitest.js';
import { createNovaDriver } from '../../src/reconcilers/nova/index.js';
import type { NovaResource } from '../../src/reconcilers/nova/schema.js';
import { silentLogger } from '../../src/util/log.js';
import { OsClient, describeOpenStack } from '../nova/cloud.js';

describeOpenStack('nova conformance', (env) => {
  let admin: OsClient;
  let user: OsClient;
  let projectId = '';
  beforeAll(async () => {
    admin = await OsClient.login(env, 'admin');
    user = await OsClient.login(env, 'user');
    projectId = user.projectId;
  });
  const resourceAt = (origin: string): NovaResource => ({ type: 'nova', endpoint: origin, image_id: env.imageId,
    flavor_name: 'm1.tiny', project_id: projectId, network_id: env.networkId });

  describeDriverConformance<NovaResource>('nova (OpenStack Zed, fake hypervisor)', () => ({
    name: 'nova',
    driver: () => createNovaDriver({ stateDir: '/nonexistent', log: silentLogger() }),
    resource: resourceAt(new URL(env.authUrl).origin),
    credentials: { username: env.username, password: env.password },
    resourceAt: ({ host, port }) => resourceAt(`http://${host}:${port}`),
    createTimeoutMs: 180_000,
    async foreign() {
      // a server in the same project without reef's labels: list() must not return it
      const res = await user.compute('POST', '/servers', { server: { name: 'conformance-foreign', imageRef: env.imageId, flavorRef: '1',
        networks: [{ uuid: env.networkId }], metadata: { owner: 'someone-else' } } });
      const id = res.json.server.id as string;
      return async () => {
        await user.compute('DELETE', `/servers/${id}`);
      };
    },
    cleanup: async (infraId) => {
      await admin.removeInfra(infraId);
    },
  }), 300_000);
});
