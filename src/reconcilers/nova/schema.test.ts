import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { keystoneUrl, resourceSchema, wantsFloatingIp, type NovaResource } from './schema.js';

const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(resourceSchema);
const base = { type: 'nova', endpoint: 'https://cloud.example.org:5000/v3', image_id: 'img', flavor_name: 'm1.small', project_id: 'p1' };

describe('nova resourceSchema', () => {
  it("accepts every field Occopus's nova plugin reads", () => {
    const ok = validate({
      ...base, server_name: 'web-{{cut(infra_id,0,4)}}', key_name: 'k', security_groups: ['default'], network_id: 'n1',
      floating_ip: 'yes', floating_ip_pool: 'public', region_name: 'RegionOne', user_domain_name: 'Default',
      tenant_name: 't', volume_size: 10, volume_persist: true, name: 'site-a',
    });
    expect(validate.errors).toBeNull();
    expect(ok).toBe(true);
  });
  it('accepts a numeric flavor and empty (null) optional fields, as the kubernetes tutorial writes them', () => {
    expect(validate({ ...base, flavor_name: 3, network_id: null, key_name: null, security_groups: null })).toBe(true);
  });
  it.each([
    ['a missing project_id', { project_id: undefined }],
    ['a missing flavor_name', { flavor_name: undefined }],
    ['an unknown key', { flavor: 'm1.small' }],
    ['an endpoint without a scheme', { endpoint: 'cloud:5000' }],
    ['security_groups as a string', { security_groups: 'default' }],
    ['a negative volume_size', { volume_size: -1 }],
  ])('refuses %s', (_name, extra) => {
    expect(validate(JSON.parse(JSON.stringify({ ...base, ...extra })))).toBe(false);
  });
});

describe('keystoneUrl', () => {
  it('appends /v3 unless the endpoint names a version, as Occopus does', () => {
    expect(keystoneUrl('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000/v3');
    expect(keystoneUrl('http://127.0.0.1:5000/')).toBe('http://127.0.0.1:5000/v3');
    expect(keystoneUrl('https://k.example.org:5000/v3/')).toBe('https://k.example.org:5000/v3');
    expect(keystoneUrl('https://k.example.org/identity/v3')).toBe('https://k.example.org/identity/v3');
  });
});

describe('wantsFloatingIp', () => {
  const r = (floating_ip: NovaResource['floating_ip']) => ({ ...base, floating_ip }) as NovaResource;
  it('reads Occopus truthiness, with YAML 1.2 yes/no strings', () => {
    expect([true, 'yes', 'True', 'add_yes_if_you_need_floating_ip_or_remove'].map((v) => wantsFloatingIp(r(v)))).toEqual([true, true, true, true]);
    expect([false, 'no', 'false', '', null, undefined].map((v) => wantsFloatingIp(r(v)))).toEqual([false, false, false, false, false, false]);
  });
});
