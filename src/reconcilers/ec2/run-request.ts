/** CreateRequest → RunInstances input. Pure, so the exact wire parameters are unit-testable. */
import { createHash } from 'node:crypto';
import type { RunInstancesCommandInput, Tag } from '@aws-sdk/client-ec2';
import { labelEntries, type CreateRequest } from '../driver.js';
import type { Ec2Resource } from './schema.js';
import { encodeUserData } from './user-data.js';

/** EC2 ClientToken: up to 64 printable ASCII characters. Longer or odd instance ids are hashed (stable). */
export function clientTokenFor(instanceId: string): string {
  if (/^[\x21-\x7e]{1,64}$/.test(instanceId)) return instanceId;
  return createHash('sha256').update(instanceId).digest('hex');
}

/** `reef-<infra>-<node>-<8 chars>`: the controller's ids are `<node>-<random hex>`, so the node prefix is skipped. */
export function defaultName(labels: CreateRequest<Ec2Resource>['labels'], instanceId: string): string {
  const own = instanceId.startsWith(`${labels.node}-`) ? instanceId.slice(labels.node.length + 1) : instanceId;
  return `reef-${labels.infra}-${labels.node}-${own.slice(0, 8)}`;
}

export function instanceTags(req: CreateRequest<Ec2Resource>): Tag[] {
  const { labels, instanceId } = req;
  const tags: Record<string, string> = {
    Name: defaultName(labels, instanceId),
    ...(req.resource.tags ?? {}),
    // reef's own tags come last so user tags can never hide an instance from list()/GC.
    ...labelEntries(labels),
  };
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function runInstancesInput(req: CreateRequest<Ec2Resource>): RunInstancesCommandInput {
  const r = req.resource;
  const userData = encodeUserData(req.context);
  return {
    ImageId: r.image_id,
    InstanceType: r.instance_type as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    ClientToken: clientTokenFor(req.instanceId),
    TagSpecifications: [{ ResourceType: 'instance', Tags: instanceTags(req) }],
    ...(userData !== undefined ? { UserData: userData } : {}),
    ...(r.key_name ? { KeyName: r.key_name } : {}),
    ...(r.security_group_ids?.length ? { SecurityGroupIds: r.security_group_ids } : {}),
    ...(r.subnet_id ? { SubnetId: r.subnet_id } : {}),
  };
}
