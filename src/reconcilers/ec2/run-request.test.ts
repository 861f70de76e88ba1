import { describe, expect, it } from 'vitest';
import type { CreateRequest } from '../driver.js';
import type { Ec2Resource } from './schema.js';
import { clientTokenFor, runInstancesInput } from './run-request.js';

const base: CreateRequest<Ec2Resource> = {
  instanceId: '0f3c2a9e-1111-4222-8333-944445555666',
  labels: { infra: 'demo', node: 'web', instance: '0f3c2a9e-1111-4222-8333-944445555666' },
  resource: { type: 'ec2', endpoint: 'http://127.0.0.1:1', image_id: 'ami-1', instance_type: 't3.micro' },
  context: { kind: 'none' },
};

describe('runInstancesInput', () => {
  it('launches exactly one instance with the instance id as ClientToken and reef tags', () => {
    const input = runInstancesInput({ ...base, resource: { ...base.resource, tags: { team: 'a', Name: 'mine' } } });
    expect(input).toMatchObject({ ImageId: 'ami-1', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 });
    expect(input.ClientToken).toBe(base.instanceId);
    expect(input.UserData).toBeUndefined();
    expect(input.TagSpecifications).toEqual([
      {
        ResourceType: 'instance',
        Tags: [
          { Key: 'Name', Value: 'mine' },
          { Key: 'team', Value: 'a' },
          { Key: 'reef.infra', Value: 'demo' },
          { Key: 'reef.node', Value: 'web' },
          { Key: 'reef.instance', Value: base.instanceId },
        ],
      },
    ]);
  });

  it('names the instance after infra, node and a short id by default', () => {
    const tags = runInstancesInput(base).TagSpecifications![0].Tags!;
    expect(tags[0]).toEqual({ Key: 'Name', Value: 'reef-demo-web-0f3c2a9e' });
  });

  it("skips the node prefix of the controller's ids, so instances of one node get different names", () => {
    const name = (id: string) => runInstancesInput({ ...base, instanceId: id, labels: { ...base.labels, instance: id } })
      .TagSpecifications![0].Tags![0].Value;
    expect(name('web-4f1c09ab77e2')).toBe('reef-demo-web-4f1c09ab');
    expect(name('web-90aa12cd34ef')).toBe('reef-demo-web-90aa12cd');
    expect(name('webserver-1')).toBe('reef-demo-web-webserve'); // another node's prefix is not stripped
  });

  it('passes optional networking fields only when set', () => {
    const input = runInstancesInput({
      ...base,
      resource: { ...base.resource, key_name: 'k', security_group_ids: ['sg-1'], subnet_id: 'subnet-1' },
    });
    expect(input).toMatchObject({ KeyName: 'k', SecurityGroupIds: ['sg-1'], SubnetId: 'subnet-1' });
  });
});

describe('clientTokenFor', () => {
  it('hashes ids EC2 would refuse, stably', () => {
    const long = 'x'.repeat(80);
    expect(clientTokenFor(long)).toHaveLength(64);
    expect(clientTokenFor(long)).toBe(clientTokenFor(long));
    expect(clientTokenFor('has space')).not.toBe('has space');
  });
});
