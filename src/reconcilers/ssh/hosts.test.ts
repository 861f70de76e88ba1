import { describe, expect, it } from 'vitest';
import { parseRefId, poolHosts, poolKey, refIdOf, splitHostId, sshTargetFor } from './hosts.js';
import type { SshResource } from './schema.js';

const resource: SshResource = { type: 'ssh', hosts: ['10.0.0.1', { host: '10.0.0.2', port: 2222, user: 'deb' }], user: 'ops' };

describe('ssh pool hosts', () => {
  it('normalises host entries with default ports', () => {
    expect(poolHosts(resource).map((h) => h.id)).toEqual(['10.0.0.1:22', '10.0.0.2:2222']);
  });

  it('names the pool by endpoint, else by a digest of its hosts (order-free)', () => {
    expect(poolKey({ ...resource, endpoint: 'rack-1' })).toBe('rack-1');
    const reordered = { ...resource, hosts: [...resource.hosts].reverse() };
    expect(poolKey(reordered)).toBe(poolKey(resource));
    expect(poolKey(resource)).toMatch(/^hosts-[0-9a-f]{12}$/);
  });

  it('round-trips ref ids, IPv6 included', () => {
    expect(parseRefId(refIdOf('::1:22', 'web-app-1'))).toEqual({ hostId: '::1:22', instanceId: 'web-app-1' });
    expect(splitHostId('::1:22')).toEqual({ host: '::1', port: 22 });
    expect(() => parseRefId('nohash')).toThrow(/not an ssh pool reference/);
  });

  it('picks user and key by precedence: host, resource, auth_data, root; auth key over key path', () => {
    expect(sshTargetFor(resource, '10.0.0.2:2222', { user: 'x', private_key: 'KEY' })).toEqual({
      host: '10.0.0.2', port: 2222, user: 'deb', privateKey: 'KEY', privateKeyPath: undefined, password: undefined,
    });
    expect(sshTargetFor(resource, '10.0.0.1:22', undefined).user).toBe('ops');
    const bare: SshResource = { type: 'ssh', hosts: ['h'], private_key_path: '/k' };
    expect(sshTargetFor(bare, 'h:22', { user: 'auth' })).toMatchObject({ user: 'auth', privateKeyPath: '/k' });
    expect(sshTargetFor(bare, 'h:22', { password: 'pw' })).toMatchObject({ user: 'root', password: 'pw' });
  });
});
