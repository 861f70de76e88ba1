/**
 * The dummy driver: reef's simulated cloud, for tests, examples and benchmarks. Resources live in their own
 * SQLite file per endpoint (see cloud-db.ts), so they outlive the reef process like a real cloud's do.
 * One connection per endpoint file per driver object; every call is a prepared statement or one transaction.
 */
import { sleep } from '../../util/clock.js';
import type {
  CallContext, CreateRequest, CreateResult, DestroyRequest, Driver, DriverDeps, ListRequest, Observation,
  HealthChecker, HealthRequest, Probe, ResourceRef,
} from '../driver.js';
import { FatalError, TransientError } from '../errors.js';
import { classifyDummyError } from './classify.js';
import { DummyCloud, openDummyCloud, type CloudRow } from './cloud.js';
import { attemptKey, decideCreateFailure, isChosen } from './failure.js';
import { healthOf, lifecycleOf, observationOf } from './phase.js';
import { resolveSettings, resourceSchema, type DummyResource, type DummySettings } from './schema.js';

const PREFIX = 'dummy:';

export class DummyDriver implements Driver<DummyResource>, HealthChecker<DummyResource> {
  readonly type = 'dummy';
  readonly resourceSchema = resourceSchema;
  private readonly clouds = new Map<string, DummyCloud>();

  constructor(private readonly deps: DriverDeps) {}

  endpointKey(resource: DummyResource): string {
    return PREFIX + resolveSettings(resource).endpoint;
  }

  async create(req: CreateRequest<DummyResource>, ctx: CallContext): Promise<CreateResult> {
    const what = `create ${req.labels.node}/${req.instanceId}`;
    try {
      const s = reachable(resolveSettings(req.resource));
      const cloud = this.cloud(s.endpoint);
      if (s.createDelay > 0) {
        // an already-created resource answers at once; a new one takes the simulated API time
        const existing = cloud.findByInstance(req.instanceId);
        if (existing) return resultOf(existing, s.endpoint, ctx.clock.now());
        await sleep(ctx.clock, s.createDelay, ctx.signal);
      }
      ctx.signal.throwIfAborted();
      const key = s.failCreate && attemptKey(s, req.instanceId, req.labels.infra, req.labels.node);
      const outcome = await cloud.create({
        row: {
          instance_id: req.instanceId,
          infra: req.labels.infra,
          node: req.labels.node,
          created_at: ctx.clock.now(),
          boot_delay: s.bootDelay,
          die_after: s.dieAfter !== undefined && isChosen(s, 'die', req.instanceId, s.dieProbability) ? s.dieAfter : null,
          unhealthy_after:
            s.unhealthyAfter !== undefined && isChosen(s, 'unhealthy', req.instanceId, s.unhealthyProbability)
              ? s.unhealthyAfter
              : null,
          unhealthy: s.unhealthy ? 1 : 0,
          flavor: s.flavor ?? null,
          image: s.image ?? null,
          spec_hash: req.labels.specHash ?? null,
          ipPrefix: s.ipPrefix,
        },
        attemptKey: key,
        decide: (attempt) => decideCreateFailure(s, key!, attempt),
      });
      if (outcome.kind === 'refused') {
        const message = `${what}: simulated ${outcome.failure} failure (attempt ${outcome.attempt} of ${key})`;
        throw outcome.failure === 'fatal'
          ? new FatalError('REEF_DUMMY_FATAL', message)
          : new TransientError('REEF_DUMMY_TRANSIENT', message);
      }
      ctx.log.debug({ driver: 'dummy', endpoint: s.endpoint, instance: req.instanceId, action: 'create' }, outcome.kind);
      return resultOf(outcome.row, s.endpoint, ctx.clock.now());
    } catch (e) {
      throw classifyDummyError(e, what, ctx.signal);
    }
  }

  async list(req: ListRequest<DummyResource>, ctx: CallContext): Promise<Observation[]> {
    try {
      const endpoint = reachable(resolveSettings(req.resource)).endpoint;
      const key = PREFIX + endpoint;
      const now = ctx.clock.now();
      return this.cloud(endpoint).rows(req.infraId).map((row) => observationOf(row, now, key));
    } catch (e) {
      throw classifyDummyError(e, 'list', ctx.signal);
    }
  }

  async destroy(req: DestroyRequest<DummyResource>, ctx: CallContext): Promise<void> {
    try {
      reachable(resolveSettings(req.resource));
      // already gone counts as done: the contract's "absent = success"
      const deleted = await this.cloudOf(req.ref).delete(req.ref.id);
      ctx.log.debug({ driver: 'dummy', endpoint: req.ref.endpoint, action: 'destroy', deleted }, 'destroy');
    } catch (e) {
      throw classifyDummyError(e, `destroy ${req.ref.id}`, ctx.signal);
    }
  }

  async checkHealth(req: HealthRequest<DummyResource>, ctx: CallContext): Promise<Probe[]> {
    try {
      return [healthOf(this.cloudOf(req.ref).get(req.ref.id), ctx.clock.now(), req.ref.id)];
    } catch (e) {
      throw classifyDummyError(e, `check health of ${req.ref.id}`, ctx.signal);
    }
  }

  async close(): Promise<void> {
    for (const cloud of this.clouds.values()) cloud.close();
    this.clouds.clear();
  }

  private cloud(endpoint: string): DummyCloud {
    let cloud = this.clouds.get(endpoint);
    if (!cloud) {
      cloud = openDummyCloud(this.deps.stateDir, endpoint);
      this.clouds.set(endpoint, cloud);
    }
    return cloud;
  }

  /** The ref, not the spec, says where a resource lives. */
  private cloudOf(ref: ResourceRef): DummyCloud {
    if (ref.driver !== 'dummy' || !ref.endpoint.startsWith(PREFIX)) {
      throw new FatalError('REEF_DUMMY_BAD_REF', `not a dummy resource: ${ref.driver} ${ref.endpoint} ${ref.id}`);
    }
    return this.cloud(ref.endpoint.slice(PREFIX.length));
  }
}

/** A simulated outage (unreachable: true) fails every call at the endpoint, as a dead cloud API would. */
function reachable(s: DummySettings): DummySettings {
  if (s.unreachable) throw new TransientError('REEF_DUMMY_UNREACHABLE', `dummy endpoint "${s.endpoint}" does not answer (simulated: unreachable: true)`);
  return s;
}

/** What a create answers: like a real cloud's, it says whether the resource already runs (no boot delay), so the
 * machine need not wait in booting for a list to show it. */
function resultOf(row: CloudRow, endpoint: string, now: number): CreateResult {
  return {
    ref: { driver: 'dummy', endpoint: PREFIX + endpoint, id: row.id },
    addresses: { ip: row.ip, privateIp: row.ip },
    ...(lifecycleOf(row, now).phase === 'running' ? { running: true } : {}),
  };
}
