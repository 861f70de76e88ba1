import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { configSchemas } from './schema.js';

describe('config section schemas', () => {
  const ajv = new Ajv({ allErrors: true });
  const shell = ajv.compile(configSchemas.shell);
  const ansible = ajv.compile(configSchemas.ansible);
  const puppet = ajv.compile(configSchemas.puppet_solo);

  it('accepts the documented shapes', () => {
    expect(shell({ type: 'shell', user: 'debian', files: [{ path: '/etc/x', content: 'y', mode: '0755' }], scripts: ['a'], script: 'b' })).toBe(true);
    expect(ansible({ type: 'ansible', playbook: 'site.yml', extra_vars: { a: 1 }, private_key_path: '~/.ssh/id' })).toBe(true);
    expect(puppet({ type: 'puppet_solo', endpoint: 'mockup', manifests: ['x', { url: 'http://h/m.pp' }, { content: 'y' }], modules: 'a-b' })).toBe(true);
    expect(puppet({ type: 'puppet_solo', manifests: ['https://h/m.pp'], modules: ['puppetlabs-mysql'], attributes: [{ a: 1 }, { b: '{{ x }}' }] })).toBe(true);
  });

  it('refuses what the managers cannot run', () => {
    expect(shell({ type: 'shell', files: [{ path: 'relative', content: '' }] })).toBe(false);
    expect(shell({ type: 'shell', files: [{ path: '/x', content: '', mode: '0999' }] })).toBe(false);
    expect(ansible({ type: 'ansible' })).toBe(false);
    expect(puppet({ type: 'puppet_solo', manifests: [] })).toBe(false);
    expect(puppet({ type: 'puppet_solo', manifests: ['x'], attributes: ['a'] })).toBe(false);
    expect(puppet({ type: 'puppet_solo', manifests: ['x'], attributes: [{}] })).toBe(false);
  });
});
