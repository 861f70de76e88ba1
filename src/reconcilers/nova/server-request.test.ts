import { describe, expect, it } from 'vitest';
import type { CreateRequest } from '../driver.js';
import type { NovaResource } from './schema.js';
import { checkUserDataSize, infraTag, serverBody, serverName, USER_DATA_MAX_BASE64_BYTES } from './server-request.js';

const req: CreateRequest<NovaResource> = {
  instanceId: 'web-4f1c09ab77e2',
  labels: { infra: 'demo', node: 'web', instance: 'web-4f1c09ab77e2' },
  resource: { type: 'nova', endpoint: 'http://127.0.0.1:5000/v3', image_id: 'img-1', flavor_name: 'm1.tiny', project_id: 'p' },
  context: { kind: 'cloudinit', userData: '#cloud-config\nruncmd:\n - echo hi\n' },
};

describe('serverName', () => {
  it('is deterministic: server_name or reef-<infra>-<node>, then the instance\'s own id', () => {
    expect(serverName(req.resource, req.labels, req.instanceId)).toBe('reef-demo-web-4f1c09ab77e2');
    expect(serverName({ ...req.resource, server_name: 'myhelloworld' }, req.labels, req.instanceId)).toBe('myhelloworld-4f1c09ab77e2');
  });
});

describe('serverBody', () => {
  it('carries labels as metadata, tags from 2.52, base64 user data, the network and optional fields', () => {
    const { server } = serverBody({
      req: { ...req, resource: { ...req.resource, network_id: 'net-1', key_name: 'k', security_groups: ['default', 'web'] } },
      flavorId: '1', microversion: '2.79',
    });
    expect(server).toEqual({
      name: 'reef-demo-web-4f1c09ab77e2', imageRef: 'img-1', flavorRef: '1',
      metadata: { 'reef.infra': 'demo', 'reef.node': 'web', 'reef.instance': 'web-4f1c09ab77e2' },
      networks: [{ uuid: 'net-1' }], tags: ['reef', 'reef-infra:demo'], key_name: 'k',
      security_groups: [{ name: 'default' }, { name: 'web' }],
      user_data: Buffer.from(req.context.kind === 'cloudinit' ? req.context.userData : '').toString('base64'),
    });
  });
  it('asks for networks "auto" from 2.37 when none is given, and sends neither tags nor networks at 2.1', () => {
    expect(serverBody({ req, flavorId: '1', microversion: '2.40' }).server).toMatchObject({ networks: 'auto' });
    const old = serverBody({ req, flavorId: '1', microversion: undefined }).server;
    expect(old.networks).toBeUndefined();
    expect(old.tags).toBeUndefined();
  });
  it('boots from a volume for volume_size, deleted with the server unless volume_persist', () => {
    const { server } = serverBody({ req: { ...req, resource: { ...req.resource, volume_size: 0, volume_persist: true } }, flavorId: '1', microversion: '2.79', flavorDiskGb: 20 });
    expect(server.imageRef).toBeUndefined();
    expect(server.block_device_mapping_v2).toEqual([{ boot_index: 0, uuid: 'img-1', source_type: 'image', destination_type: 'volume', volume_size: 20, delete_on_termination: false }]);
  });
  it('leaves the infra tag out when it would not be a valid Nova tag', () => {
    expect(infraTag('a'.repeat(60))).toBeUndefined();
    expect(infraTag('x/y')).toBeUndefined();
  });
});

describe('user data size', () => {
  it("refuses user data whose base64 exceeds Nova's 65535 bytes, naming both sizes", () => {
    const max = 'a'.repeat((USER_DATA_MAX_BASE64_BYTES / 4) * 3 - 3);
    expect(() => checkUserDataSize(max)).not.toThrow();
    expect(() => checkUserDataSize('a'.repeat(49_200), 'node web')).toThrow(
      'node web is 49200 bytes (65600 in base64); Nova accepts at most 65535 bytes of base64 (about 48 KiB of text)');
  });
  it('refuses docker contextualisation', () => {
    expect(() => serverBody({ req: { ...req, context: { kind: 'docker', env: [] } }, flavorId: '1', microversion: '2.79' })).toThrow(/cloudinit/);
  });
});

describe('floatingByServer', () => {
  it('maps attached floating IPs reef allocated to their server', async () => {
    const { floatingByServer, fipDescription } = await import('./floating-ip.js');
    const map = floatingByServer([
      { id: 'f1', floating_ip_address: '203.0.113.5', port_id: 'p1', description: fipDescription('srv-1', 'web-1') },
      { id: 'f2', floating_ip_address: '203.0.113.6', port_id: null, description: fipDescription('srv-2', 'web-2') },
      { id: 'f3', floating_ip_address: '203.0.113.7', port_id: 'p3', description: 'someone else' },
    ]);
    expect([...map]).toEqual([['srv-1', '203.0.113.5']]);
  });
});
