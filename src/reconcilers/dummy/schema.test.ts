import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { resolveSettings, resourceSchema } from './schema.js';

const validate = new Ajv({ allErrors: true, strict: true }).compile(resourceSchema);

describe('dummy resourceSchema', () => {
  it('accepts the minimal and a full section', () => {
    expect(validate({ type: 'dummy' })).toBe(true);
    const full = {
      type: 'dummy', endpoint: 'lab-1', name: 'vm', flavor: 'small', image: 'debian', create_delay: 10, boot_delay: 20,
      fail_create: { transient: 0.1, fatal: 0.01, times: 2, per: 'node' }, die_after: 1000, die_probability: 0.5,
      unhealthy_after: 500, unhealthy_probability: 0.2, unhealthy: false, seed: 42, ip_prefix: '192.168',
    };
    expect(validate(full), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ type: 'dummy', ip_prefix: '10' })).toBe(true);
  });

  it.each([
    ['an unknown key', { type: 'dummy', size: 3 }],
    ['an unknown fail_create key', { type: 'dummy', fail_create: { often: true } }],
    ['a probability above 1', { type: 'dummy', fail_create: { transient: 1.5 } }],
    ['a negative delay', { type: 'dummy', boot_delay: -1 }],
    ['an endpoint that is a path', { type: 'dummy', endpoint: '../x' }],
    ['a three-octet prefix', { type: 'dummy', ip_prefix: '10.1.2' }],
    ['an octet above 255', { type: 'dummy', ip_prefix: '10.256' }],
    ['another type', { type: 'docker' }],
  ])('rejects %s', (_name, section) => {
    expect(validate(section)).toBe(false);
  });

  it('fills defaults', () => {
    expect(resolveSettings({ type: 'dummy' })).toEqual({
      endpoint: 'default', flavor: undefined, image: undefined, createDelay: 0, unreachable: false, bootDelay: 0, failCreate: undefined,
      dieAfter: undefined, dieProbability: 1, unhealthyAfter: undefined, unhealthyProbability: 1, unhealthy: false,
      seed: 0, ipPrefix: '10.77',
    });
  });
});
