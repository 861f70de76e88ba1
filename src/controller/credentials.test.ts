import { describe, expect, it } from 'vitest';
import { findCredentials } from './credentials.js';
import type { AuthFile } from '../spec/types.js';

const auth: AuthFile = {
  resource: [
    { type: 'ec2', endpoint: 'http://a', auth_data: { accesskey: 'A', secretkey: 'sa' } },
    { type: 'ec2', endpoint: 'http://b', auth_data: { accesskey: 'B', secretkey: 'sb' } },
    { type: 'docker', auth_data: { password: 'secret-one' } },
    { type: 'docker', auth_data: { password: 'secret-two' } },
  ],
  config_management: [],
};

describe('findCredentials', () => {
  it('picks the entry whose filters all match', () => {
    expect(findCredentials(auth, 'resource', { type: 'ec2', endpoint: 'http://b', image_id: 'ami-1' })).toEqual({ accesskey: 'B', secretkey: 'sb' });
  });
  it('returns undefined when nothing matches (drivers fall back to their default chain)', () => {
    expect(findCredentials(auth, 'resource', { type: 'ec2', endpoint: 'http://c' })).toBeUndefined();
    expect(findCredentials(undefined, 'resource', { type: 'ec2' })).toBeUndefined();
  });
  it('refuses an ambiguous match, naming the filters, never the secrets', () => {
    expect(() => findCredentials(auth, 'resource', { type: 'docker' })).toThrow(/more than one auth entry matches resource type "docker": \{type=docker\} and \{type=docker\}/);
    try { findCredentials(auth, 'resource', { type: 'docker' }); } catch (e) { expect(String((e as Error).message)).not.toMatch(/secret|password/); }
  });
});
