import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { resourceSchema } from './schema.js';

describe('ssh resource schema', () => {
  const validate = new Ajv({ allErrors: true }).compile(resourceSchema);

  it('accepts host strings and host objects with the optional keys', () => {
    expect(validate({ type: 'ssh', hosts: ['10.0.0.1', { host: '10.0.0.2', port: 2222, user: 'deb', name: 'b' }], user: 'root', port: 22,
      private_key_path: '~/.ssh/id', cleanup_command: 'true', name: 'rack', endpoint: 'rack-1' })).toBe(true);
  });

  it('refuses an empty pool, unknown keys and bad ports', () => {
    expect(validate({ type: 'ssh', hosts: [] })).toBe(false);
    expect(validate({ type: 'ssh', hosts: ['a'], hostz: 1 })).toBe(false);
    expect(validate({ type: 'ssh', hosts: [{ host: 'a', port: 70000 }] })).toBe(false);
    expect(validate({ type: 'ssh' })).toBe(false);
  });
});
