import { describe, expect, it } from 'vitest';
import type { Driver } from '../driver.js';
import { connectionFor } from './connection.js';

const plainDriver = { type: 'ec2' } as unknown as Driver;

describe('connectionFor', () => {
  it('asks the ssh driver for its pool hosts', () => {
    const sshDriver = { type: 'ssh', connectionFor: () => ({ host: 'pool-host', user: 'u' }) } as unknown as Driver;
    expect(connectionFor({ driver: sshDriver, ref: { driver: 'ssh', endpoint: 'p', id: 'h:22#i' }, resource: { type: 'ssh' }, addresses: {} })).toEqual({
      host: 'pool-host',
      user: 'u',
    });
  });

  it('reaches other instances at their address with config settings and auth_data', () => {
    const target = connectionFor({
      driver: plainDriver,
      resource: { type: 'ec2' },
      addresses: { ip: '10.0.0.4', privateIp: '172.16.0.4' },
      config: { type: 'shell', user: 'debian', port: 2222, private_key_path: '/k' },
      configCredentials: { password: 'pw' },
    });
    expect(target).toEqual({ host: '10.0.0.4', port: 2222, user: 'debian', privateKey: undefined, privateKeyPath: '/k', password: 'pw', hostKey: undefined });
    expect(connectionFor({ driver: plainDriver, resource: { type: 'ec2' }, addresses: { privateIp: '172.16.0.4' }, configCredentials: { private_key: 'K', user: 'a' } }))
      .toMatchObject({ host: '172.16.0.4', user: 'a', privateKey: 'K', privateKeyPath: undefined });
    expect(connectionFor({ driver: plainDriver, resource: { type: 'ec2' }, addresses: {} })).toBeUndefined();
  });
});
