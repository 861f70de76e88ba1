/**
 * The ec2 driver: any EC2-compatible endpoint through AWS SDK v3. Idempotent create via ClientToken = instance
 * id; one paginated, tag-filtered DescribeInstances per list(). EC2's eventual consistency (a just-created
 * instance may be invisible to Describe for a while) is covered by the engine's one creation grace period
 * (controller/instance/implementations.ts), not here.
 */
import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import type {
  CallContext, CreateRequest, CreateResult, DestroyRequest, Driver, DriverDeps, ListRequest, Observation,
  ResourceRef,
} from '../driver.js';
import { LABEL_KEYS, accessOf } from '../driver.js';
import { FatalError, TransientError } from '../errors.js';
import { classifyEc2Error, ec2ErrorCode, isInstanceNotFound } from './classify.js';
import { DEFAULT_CLIENT_OPTIONS, Ec2ClientCache, type ClientOptions } from './client.js';
import { toAwsCredentials } from './credentials.js';
import { toObservation } from './observation.js';
import { runInstancesInput } from './run-request.js';
import { regionOf, resourceSchema, type Ec2Resource } from './schema.js';

export const DRIVER_TYPE = 'ec2';
const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];
/** Bound on pages per list(): 1,000 pages × pageSize instances is far beyond any one endpoint reef drives. */
const MAX_PAGES = 1_000;

export interface Ec2DriverOptions extends Partial<ClientOptions> {
  /** MaxResults per DescribeInstances page in list() (5..1000, default 1000). */
  pageSize?: number;
}

export function endpointKey(resource: Ec2Resource): string {
  return `${resource.endpoint}|${regionOf(resource)}`;
}

export function createEc2Driver(deps: DriverDeps, options: Ec2DriverOptions = {}): Driver<Ec2Resource> {
  const clients = new Ec2ClientCache({ ...DEFAULT_CLIENT_OPTIONS, ...definedOnly(options) });
  const pageSize = options.pageSize ?? 1_000;

  function clientFor(resource: Ec2Resource, credentials: Record<string, unknown> | undefined, ctx: CallContext): EC2Client {
    const access = accessOf(ctx);
    // without an auth entry the SDK's own chain (env, profile, instance role) signs: under reef serve only toward an allowed endpoint
    if (credentials === undefined && !access.unrestricted && !access.url(resource.endpoint)) {
      throw new FatalError('REEF_HOST_ACCESS_DENIED', `ec2 endpoint ${JSON.stringify(resource.endpoint)}: reef serve signs with its own AWS credentials only toward an endpoint the operator allowed (--allow-origin); name an auth entry ("auth": NAME)`);
    }
    return clients.get({ endpoint: resource.endpoint, region: regionOf(resource), credentials: toAwsCredentials(credentials) });
  }

  /** Runs one SDK call: forwards the signal and logs at debug (never the input: it may hold user data). Callers classify. */
  async function call<T>(ctx: CallContext, action: string, fields: Record<string, unknown>,
    send: (opts: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    const started = ctx.clock.now();
    try {
      const out = await send({ abortSignal: ctx.signal });
      ctx.log.debug({ driver: DRIVER_TYPE, action, ...fields, durationMs: ctx.clock.now() - started }, `ec2 ${action}`);
      return out;
    } catch (e) {
      ctx.log.debug({ driver: DRIVER_TYPE, action, ...fields, durationMs: ctx.clock.now() - started,
        err: { code: ec2ErrorCode(e) ?? (e as { code?: unknown }).code, message: (e as Error).message } },
        `ec2 ${action} failed`);
      throw e;
    }
  }

  return {
    type: DRIVER_TYPE,
    resourceSchema,
    endpointKey,

    async create(req: CreateRequest<Ec2Resource>, ctx: CallContext): Promise<CreateResult> {
      const input = runInstancesInput(req);
      const client = clientFor(req.resource, req.credentials, ctx);
      const endpoint = endpointKey(req.resource);
      const what = `RunInstances for ${req.labels.node}/${req.instanceId}`;
      let out;
      try {
        out = await call(ctx, 'RunInstances', { endpoint, instance: req.instanceId },
          (o) => client.send(new RunInstancesCommand(input), o));
      } catch (e) {
        throw classifyEc2Error(e, what);
      }
      const instance = out.Instances?.[0];
      if (!instance?.InstanceId) {
        throw new TransientError('REEF_EC2_BAD_RESPONSE', `${what}: the response named no instance`);
      }
      const ref: ResourceRef = { driver: DRIVER_TYPE, endpoint, id: instance.InstanceId };
      const observed = toObservation(instance, ref);
      return { ref, ...(observed.exists ? { addresses: observed.addresses } : {}) };
    },

    async list(req: ListRequest<Ec2Resource>, ctx: CallContext): Promise<Observation[]> {
      const client = clientFor(req.resource, req.credentials, ctx);
      const endpoint = endpointKey(req.resource);
      const filters: Filter[] = [
        req.infraId !== undefined
          ? { Name: `tag:${LABEL_KEYS.infra}`, Values: [req.infraId] }
          : { Name: 'tag-key', Values: [LABEL_KEYS.infra] },
        { Name: 'instance-state-name', Values: LIVE_STATES },
      ];
      const observations: Observation[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const what = `DescribeInstances page ${page + 1} at ${endpoint}`;
        let out;
        try {
          out = await call(ctx, 'DescribeInstances', { endpoint, page: page + 1 }, (o) =>
            client.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: pageSize, NextToken: nextToken }), o));
        } catch (e) {
          throw classifyEc2Error(e, what);
        }
        for (const instance of out.Reservations?.flatMap((r) => r.Instances ?? []) ?? []) {
          if (!instance.InstanceId) continue;
          const observation = toObservation(instance, { driver: DRIVER_TYPE, endpoint, id: instance.InstanceId });
          if (observation.exists) observations.push(observation);
        }
        nextToken = out.NextToken || undefined;
        if (!nextToken) return observations;
      }
      throw new TransientError('REEF_EC2_TOO_MANY_PAGES', `DescribeInstances at ${endpoint} returned more than ${MAX_PAGES} pages`);
    },

    async destroy(req: DestroyRequest<Ec2Resource>, ctx: CallContext): Promise<void> {
      const client = clientFor(req.resource, req.credentials, ctx);
      const what = `TerminateInstances ${req.ref.id}`;
      try {
        await call(ctx, 'TerminateInstances', { endpoint: req.ref.endpoint, instance: req.ref.id },
          (o) => client.send(new TerminateInstancesCommand({ InstanceIds: [req.ref.id] }), o));
      } catch (e) {
        // Why swallowed: an id EC2 no longer knows is already gone, which is what destroy wants.
        if (!isInstanceNotFound(e)) throw classifyEc2Error(e, what);
      }
    },

    async close(): Promise<void> {
      clients.destroyAll();
      deps.log.debug({ driver: DRIVER_TYPE }, 'ec2 clients closed');
    },
  };
}

function definedOnly(options: Ec2DriverOptions): Partial<ClientOptions> {
  const out: Partial<ClientOptions> = {};
  if (options.requestTimeoutMs !== undefined) out.requestTimeoutMs = options.requestTimeoutMs;
  if (options.connectionTimeoutMs !== undefined) out.connectionTimeoutMs = options.connectionTimeoutMs;
  if (options.maxAttempts !== undefined) out.maxAttempts = options.maxAttempts;
  return out;
}
