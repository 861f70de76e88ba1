/**
 * The in-memory EC2 behind the fake server: instances, ClientToken idempotency, AMI validation, filters,
 * pagination, pending → running after a delay, eventual consistency. Time comes from an injected now().
 */
import { filtersOf, listParam, tagSpecsOf, type Params, type QueryFilter } from './ec2-query.js';
import type { XmlInstance } from './ec2-xml.js';

export class Ec2ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

export interface FakeInstance {
  id: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  clientToken?: string;
  keyName?: string;
  subnetId?: string;
  securityGroupIds: string[];
  tags: Record<string, string>;
  /** decoded UserData, undefined when none was sent. */
  userData?: string;
  launchedAt: number;
  visibleAt: number;
  terminatedAt?: number;
  privateIp: string;
  publicIp: string;
}

export interface CloudOptions {
  now: () => number;
  amis: string[];
  /** ms from launch until `running` (default 0). */
  runningAfterMs: number;
  /** ms a terminated instance spends `shutting-down` (default 0). */
  shutdownMs: number;
}

export class FakeEc2Cloud {
  readonly instances = new Map<string, FakeInstance>();
  /** new instances stay invisible to DescribeInstances for this long (eventual consistency). */
  invisibleForMs = 0;
  private seq = 0;

  constructor(private readonly opts: CloudOptions) {}

  stateOf(i: FakeInstance): string {
    const now = this.opts.now();
    if (i.terminatedAt !== undefined) return now - i.terminatedAt < this.opts.shutdownMs ? 'shutting-down' : 'terminated';
    return now - i.launchedAt >= this.opts.runningAfterMs ? 'running' : 'pending';
  }

  toXml(i: FakeInstance): XmlInstance {
    const state = this.stateOf(i);
    return {
      id: i.id, reservationId: i.reservationId, imageId: i.imageId, instanceType: i.instanceType, state,
      clientToken: i.clientToken, keyName: i.keyName, subnetId: i.subnetId,
      launchTime: new Date(i.launchedAt).toISOString(), tags: i.tags,
      privateIp: state === 'terminated' ? undefined : i.privateIp,
      publicIp: state === 'running' ? i.publicIp : undefined,
    };
  }

  run(p: Params): FakeInstance {
    for (const required of ['ImageId', 'MinCount', 'MaxCount']) {
      if (!p[required]) throw new Ec2ApiError('MissingParameter', `The request must contain the parameter ${required}`);
    }
    if (p.MinCount !== '1' || p.MaxCount !== '1') throw new Ec2ApiError('InvalidParameterValue', 'this fake launches one instance per call');
    const token = p.ClientToken;
    const twin = token ? [...this.instances.values()].find((i) => i.clientToken === token) : undefined;
    if (twin) return twin; // EC2's ClientToken idempotency: the same token answers with the same instance.
    if (!this.opts.amis.includes(p.ImageId)) {
      throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${p.ImageId}]' does not exist`);
    }
    const n = ++this.seq;
    const now = this.opts.now();
    const tags = Object.assign({}, ...tagSpecsOf(p).filter((s) => s.resourceType === 'instance').map((s) => s.tags));
    const instance: FakeInstance = {
      id: `i-${n.toString(16).padStart(17, '0')}`,
      reservationId: `r-${n.toString(16).padStart(17, '0')}`,
      imageId: p.ImageId, instanceType: p.InstanceType ?? 'm1.small', clientToken: token, keyName: p.KeyName,
      subnetId: p.SubnetId, securityGroupIds: listParam(p, 'SecurityGroupId'), tags,
      userData: p.UserData === undefined ? undefined : Buffer.from(p.UserData, 'base64').toString('utf8'),
      launchedAt: now, visibleAt: now + this.invisibleForMs,
      privateIp: `10.0.${(n >> 8) & 255}.${n & 255}`, publicIp: `198.51.100.${n & 255}`,
    };
    this.instances.set(instance.id, instance);
    return instance;
  }

  describe(p: Params): { instances: FakeInstance[]; nextToken?: string } {
    const ids = listParam(p, 'InstanceId');
    const now = this.opts.now();
    const visible = [...this.instances.values()].filter((i) => i.visibleAt <= now);
    if (ids.length && p.MaxResults) {
      throw new Ec2ApiError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
    }
    if (ids.length) {
      const missing = ids.filter((id) => !visible.some((i) => i.id === id));
      if (missing.length) throw new Ec2ApiError('InvalidInstanceID.NotFound', `The instance ID '${missing.join(', ')}' does not exist`);
    }
    const filters = filtersOf(p);
    const matching = visible.filter((i) => (!ids.length || ids.includes(i.id)) && filters.every((f) => this.matches(i, f)));
    const offset = p.NextToken ? Number(Buffer.from(p.NextToken, 'base64').toString()) : 0;
    const pageSize = p.MaxResults ? Number(p.MaxResults) : matching.length || 1;
    const page = matching.slice(offset, offset + pageSize);
    const next = offset + pageSize < matching.length ? Buffer.from(String(offset + pageSize)).toString('base64') : undefined;
    return { instances: page, nextToken: next };
  }

  terminate(p: Params): Array<{ id: string; previous: string; current: string }> {
    const ids = listParam(p, 'InstanceId');
    const unknown = ids.filter((id) => !this.instances.has(id));
    if (unknown.length) throw new Ec2ApiError('InvalidInstanceID.NotFound', `The instance ID '${unknown.join(', ')}' does not exist`);
    return ids.map((id) => {
      const instance = this.instances.get(id)!;
      const previous = this.stateOf(instance);
      instance.terminatedAt ??= this.opts.now();
      return { id, previous, current: this.stateOf(instance) };
    });
  }

  private matches(i: FakeInstance, f: QueryFilter): boolean {
    if (f.name.startsWith('tag:')) {
      const v = i.tags[f.name.slice(4)];
      return v !== undefined && f.values.includes(v);
    }
    switch (f.name) {
      case 'tag-key':
        return f.values.some((k) => k in i.tags);
      case 'instance-state-name':
        return f.values.includes(this.stateOf(i));
      case 'instance-id':
        return f.values.includes(i.id);
      default:
        throw new Ec2ApiError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    }
  }
}
