/**
 * Carries out plan()'s actions for one infra: creates commit their instance rows before any machine may call a
 * cloud (intent before effect), destroys mark the row and tell the machine, collections call the driver directly,
 * a failed node is written and reported once. Also ends a destroy once nothing is left in the clouds.
 */
import { randomBytes } from 'node:crypto';
import type { ResourceRef } from '../reconcilers/driver.js';
import type { ResourceSection } from '../spec/types.js';
import type { InstanceRecord, NewEvent, Store } from '../state/store.js';
import type { Logger } from '../util/log.js';
import type { HostAccess } from '../util/host-access.js';
import { asReefError } from '../errors/index.js';
import type { Action } from './actions.js';
import type { Clock } from './clock.js';
import type { DesiredState } from './desired-state.js';
import type { EndpointPool } from './endpoints.js';
import type { Fleet, TrackedInstance } from './fleet.js';
import { MACHINE_VERSION } from './instance/machine.js';
import type { RecentlyGone } from './observation-feed.js';
import type { ObservedCloud } from './observe.js';
import type { UntrackedResource } from './plan.js';
import type { WriteBehind } from './write-behind.js';

export interface ActuatorDeps {
  store: Store;
  desired: DesiredState;
  fleet: Fleet;
  endpoints: EndpointPool;
  writer: WriteBehind;
  recentlyGone: RecentlyGone;
  clock: Clock;
  log: Logger;
  /** aborted when the runtime stops: a collection in flight is cancelled with it */
  signal: AbortSignal;
  /** ControllerOptions.access: what descriptors may make this process reach */
  access?: HostAccess;
  event(e: Omit<NewEvent, 'time' | 'infra'>): void;
  requestTick(): void;
  /** where existing instances live, so a collection finds the resource section of its endpoint */
  placements(): Array<{ resource: ResourceSection; endpoint: string }>;
}

/** instances whose machines start in one go: between slices the event loop runs timers (lease renewals) and I/O */
const SLICE = 100;
/**
 * The first slice is small: the machines' first calls are written to the cloud only when the loop is yielded, so
 * a large first slice kept a new node's first creates back until every one of its machines had started (about
 * 10 ms for 50 Docker workers, with the engine idle meanwhile). One endpoint's default concurrency fills it.
 */
const FIRST_SLICE = 16;

/**
 * Calls `fn` for each item, yielding to the event loop after the first FIRST_SLICE and then after every SLICE:
 * starting a thousand machines at once held a replica's loop for seconds (33 infras starting together), long
 * enough for its leases to lose trust.
 */
export async function inSlices<T>(items: T[], fn: (item: T) => void): Promise<void> {
  for (let i = 0; i < items.length;) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    const end = i + (i === 0 ? FIRST_SLICE : SLICE);
    for (const item of items.slice(i, end)) fn(item);
    i = end;
  }
}

export class Actuator {
  /** resource ids whose collection is in flight */
  readonly collecting = new Set<string>();

  constructor(private readonly deps: ActuatorDeps) {}

  async dispatch(actions: Action[]): Promise<void> {
    const { log, desired } = this.deps;
    const created: InstanceRecord[] = [];
    for (const a of actions) {
      switch (a.kind) {
        case 'create':
          for (let i = 0; i < a.count; i++) created.push(this.newRecord(a.node));
          log.info({ node: a.node, action: 'create', count: a.count }, `creating ${a.count} × ${a.node}`);
          break;
        case 'adopt':
          created.push({ ...this.newRecord(a.node, a.instanceId), ref: a.ref });
          this.deps.event({ node: a.node, instance: a.instanceId, kind: 'instance.adopted', message: `adopted untracked ${a.ref.driver} resource ${a.ref.id}` });
          break;
        case 'destroy':
          if (this.destroy(a.instanceId, a.reason)) {
            log.info({ node: a.node, instance: a.instanceId, action: 'destroy', reason: a.reason }, `destroying ${a.instanceId} (${a.reason})`);
          }
          break;
        case 'collect':
          void this.collect(a.ref, a.labels.instance, a.reason);
          break;
        case 'node-failed':
          await this.deps.store.setNodeFailed(desired.id, a.node, a.reason);
          desired.markNodeFailed(a.node, a.reason);
          log.error({ node: a.node }, `node ${a.node} failed: ${a.reason}`);
          this.deps.event({ node: a.node, kind: 'node.failed', message: a.reason });
          break;
      }
    }
    if (created.length === 0) return;
    // intent before effect: the rows are committed before any machine may call a cloud
    await this.deps.store.insertInstances(created);
    // a runtime stopped meanwhile starts no more machines (its rows stay for whoever reconciles next)
    await inSlices(created, (rec) => this.deps.signal.aborted || this.deps.fleet.track(rec));
  }

  /** Marks a tracked instance for destruction (in the row, so a restart keeps the reason) and tells its machine. */
  destroy(id: string, reason: string): TrackedInstance | undefined {
    const t = this.deps.fleet.get(id);
    if (!t) return undefined;
    t.rec.destroyReason = reason;
    this.deps.writer.patch(id, { destroyReason: reason });
    t.actor.send({ type: 'instance.destroy' });
    return t;
  }

  /** `reef scale --instance` from another process marks its victim in the store along with the new target. */
  async adoptDestroyMarks(): Promise<void> {
    for (const row of await this.deps.store.listInstances(this.deps.desired.id)) {
      const t = this.deps.fleet.get(row.id);
      if (row.destroyReason && t && !t.rec.destroyReason) this.destroy(row.id, row.destroyReason);
    }
  }

  /** A destroy is finished once the clouds have nothing left and nothing is on its way. */
  async finishIfDestroyed(observed: ObservedCloud, untracked: UntrackedResource[], actions: Action[]): Promise<void> {
    const { desired } = this.deps;
    if (desired.infra.status !== 'destroying') return;
    if (this.deps.fleet.size > 0 || untracked.length > 0 || actions.length > 0 || observed.errors.length > 0 || this.collecting.size > 0) return;
    await this.deps.store.setInfraStatus(desired.id, 'destroyed', this.deps.clock.now());
    this.deps.event({ kind: 'infra.destroyed', message: 'every resource is gone' });
    await this.deps.writer.flush();
    desired.markDestroyed();
    this.deps.log.info('infra destroyed: nothing left in the clouds');
  }

  private newRecord(node: string, id?: string): InstanceRecord {
    const { desired } = this.deps;
    const spec = desired.node(node)!;
    const instanceId = id ?? `${node}-${randomBytes(6).toString('hex')}`;
    const implIndex = spec.implementations.length > 1 ? hashIndex(instanceId, spec.implementations.length) : 0;
    const resource = spec.implementations[implIndex].resource;
    const now = this.deps.clock.now();
    return {
      id: instanceId, infraId: desired.id, node, implIndex, driver: resource.type, endpoint: this.deps.endpoints.endpointOf(resource),
      ref: null, state: 'pending', snapshot: null, machineVersion: MACHINE_VERSION, addresses: {}, attempts: 0,
      lastError: null, destroyReason: null, generation: desired.generation, createdAt: now, updatedAt: now, readyAt: null,
    };
  }

  private async collect(ref: ResourceRef, instance: string, reason: string): Promise<void> {
    if (this.collecting.has(ref.id)) return;
    this.collecting.add(ref.id);
    const { endpoints, log } = this.deps;
    const target = endpoints.targets(this.deps.desired.spec, this.deps.placements()).find((t) => t.key === `${ref.driver}|${ref.endpoint}`);
    try {
      if (!target) throw new Error(`no resource section known for endpoint ${ref.endpoint}`);
      const driver = await endpoints.driver(ref.driver);
      const ctx = { signal: this.deps.signal, log, clock: this.deps.clock, access: this.deps.access };
      await endpoints.limiter(target.key).run(() => driver.destroy({ ref, resource: target.resource, credentials: target.credentials }, ctx));
      log.info({ instance, action: 'collect', reason }, `collected ${ref.driver} resource ${ref.id} (${reason})`);
      this.deps.event({ instance, kind: 'resource.collected', message: `collected ${ref.driver} resource ${ref.id}: ${reason}` });
    } catch (err) {
      // the next tick lists the endpoint again and retries the collection
      log.warn({ err: asReefError(err), instance }, `could not collect ${ref.id}; will retry`);
    } finally {
      this.collecting.delete(ref.id);
      this.deps.recentlyGone.add(instance);
      this.deps.requestTick();
    }
  }
}

/** Which implementation an instance gets when its node has several: stable for its id. */
export function hashIndex(id: string, n: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % n;
}
