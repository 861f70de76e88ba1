import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { resourceSchema } from './schema.js';

const validate = new Ajv({ strict: true, allErrors: true }).compile(resourceSchema);

describe('ec2 resourceSchema', () => {
  it('accepts an Occopus ec2 resource section', () => {
    const ok = validate({
      type: 'ec2', endpoint: 'https://ec2.eu-west-1.amazonaws.com', regionname: 'eu-west-1', image_id: 'ami-0a1b2c3d',
      instance_type: 't3.micro', key_name: 'me', security_group_ids: ['sg-1'], subnet_id: 'subnet-1',
      tags: { owner: 'team-a' }, name: 'aws-eu',
    });
    expect(validate.errors).toBeNull();
    expect(ok).toBe(true);
  });

  it.each([
    ['an unknown key', { imageid: 'ami-1' }],
    ['a reef.* user tag', { tags: { 'reef.infra': 'other' } }],
    ['an endpoint without a scheme', { endpoint: 'ec2.amazonaws.com' }],
    ['a security group given as a string', { security_group_ids: 'sg-1' }],
  ])('refuses %s', (_name, extra) => {
    expect(validate({ type: 'ec2', endpoint: 'http://127.0.0.1:5000', image_id: 'ami-1', instance_type: 't3.micro', ...extra })).toBe(false);
  });

  it('requires image_id and instance_type but defaults regionname', () => {
    expect(validate({ type: 'ec2', endpoint: 'http://127.0.0.1:5000', image_id: 'ami-1', instance_type: 't3.micro' })).toBe(true);
    expect(validate({ type: 'ec2', endpoint: 'http://127.0.0.1:5000', image_id: 'ami-1' })).toBe(false);
  });
});
