/**
 * Reconciles one infra. Each tick: re-read desired state, observe the clouds (one list() per endpoint), feed the
 * machines what changed, run plan() and carry out its actions, and say when to come back (requeue.ts). Ticks come
 * from machine transitions that matter to plan, cloud events (watch), and the tick queue's timer (tick-queue.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Observation, ResourceRef } from '../reconcilers/driver.js';
import type { AuthFile, InfraSpec, NodeSpec } from '../spec/types.js';
import type { InfraRecord, InstanceRecord, NewEvent, NodeRecord, Store } from '../state/store.js';
import type { DriverRegistry } from '../reconcilers/registry.js';
import type { Logger } from '../util/log.js';
import type { Clock } from './clock.js';
import type { ControllerOptions } from './options.js';
import type { Action } from './actions.js';
import { plan, type PlanInput, type UntrackedResource } from './plan.js';
import { MACHINE_VERSION } from './instance/machine.js';
import { provideInstanceMachine } from './instance/implementations.js';
import { makeInstanceEffects, type EffectsDeps } from './instance-effects.js';
import { observeEndpoints, type ObservedCloud } from './observe.js';
import { findCredentials } from './credentials.js';
import type { EndpointLimiter } from './limiter.js';
import { WriteBehind } from './write-behind.js';
import { summarise, type RuntimeStatus } from './status.js';
import { EndpointPool } from './endpoints.js';
import { Fleet } from './fleet.js';
import { nodeFingerprint } from './node-fingerprint.js';
import { asReefError } from '../errors/index.js';
import { TickQueue } from './tick-queue.js';
import { EndpointHealth, outageMessage, type Outage } from './endpoint-health.js';
import type { NextRun, ReconcileResult } from './requeue.js';

export interface RuntimeDeps {
  store: Store;
  registry: DriverRegistry;
  clock: Clock;
  log: Logger;
  options: ControllerOptions;
  limiters: Map<string, EndpointLimiter>;
  /** reads the infra's auth file (given at apply time); re-read when it failed or the spec changed */
  loadAuth?: (path: string) => AuthFile;
}

/** A reconcile of the whole infra that failed (not one instance's or one endpoint's trouble), while it lasts. */
export interface InfraProblem {
  code: string;
  message: string;
  since: number;
  terminal: boolean;
}

export class InfraRuntime {
  status: RuntimeStatus;
  private spec: InfraSpec;
  private generation: number;
  private nodes: NodeRecord[] = [];
  private nodeByName = new Map<string, NodeSpec>();
  private nodeHash = new Map<string, string>();
  private readonly collecting = new Set<string>();
  private readonly hostKeys = new Map<string, string>();
  private readonly writer: WriteBehind;
  private readonly endpoints: EndpointPool;
  private readonly fleet: Fleet;
  private readonly log: Logger;
  private readonly listeners = new Set<(s: RuntimeStatus) => void>();
  private readonly stopListeners = new Set<() => void>();
  private readonly queue: TickQueue;
  private readonly health = new EndpointHealth();
  private auth?: AuthFile;
  /** the auth path and generation the credentials were read for; undefined until a read succeeded */
  private authReadFor?: string;
  private driversFor?: number;
  private problem?: InfraProblem;
  private stopped = false;
  /** instance rows read by start(), tracked by the first reconcile that has its drivers (see resumeMachines) */
  private toResume: InstanceRecord[] | undefined;

  constructor(private readonly deps: RuntimeDeps, private infra: InfraRecord) {
    this.spec = infra.spec;
    this.generation = infra.generation;
    this.indexSpec();
    this.log = deps.log.child({ infra: infra.id });
    this.writer = new WriteBehind(deps.store, this.log);
    this.status = summarise({ infra, nodes: [], instances: [], untracked: 0, actions: 0, unconfirmed: 0, errors: [] });
    const credentials = (kind: 'resource' | 'config_management', section: Record<string, unknown>) => findCredentials(this.auth, kind, section);
    this.endpoints = new EndpointPool({ registry: deps.registry, limiters: deps.limiters, concurrency: deps.options.concurrency, credentials, clock: deps.clock, log: this.log });
    const machine = provideInstanceMachine(makeInstanceEffects(this.effectsDeps(credentials)), {
      clock: deps.clock,
      rand: deps.options.rand,
      backoff: deps.options.backoff,
      checkDelayMs: deps.options.checkDelayMs,
      heldUp: (id) => {
        const t = this.fleet.get(id);
        return t !== undefined && this.health.isDown(instanceEndpointKey(t.rec));
      },
    });
    this.fleet = new Fleet({
      machine,
      clock: deps.clock,
      log: this.log,
      writer: this.writer,
      event: (e) => this.event(e),
      requestTick: () => this.requestTick(),
      implementationOf: (rec) => this.implementationOf(rec),
      nodeHash: (node) => this.nodeHash.get(node),
      healthIntervalS: deps.options.healthIntervalS,
      stableMs: deps.options.stableMs,
      outageError: (rec) => {
        const outage = this.health.outage(instanceEndpointKey(rec));
        return outage && { code: outage.code, message: outageMessage(outage), transient: true };
      },
    });
    this.queue = new TickQueue({
      clock: deps.clock,
      policy: { resyncMs: deps.options.resyncMs, backoff: deps.options.requeue },
      rand: deps.options.rand,
      reconcile: () => this.reconcileOnce(),
      report: (r) => this.onReport(r),
    });
  }

  get id(): string {
    return this.infra.id;
  }

  /** The problem that fails this infra's reconciles, while it lasts. */
  get currentProblem(): InfraProblem | undefined {
    return this.problem;
  }

  /**
   * Loads instance rows and resumes their machines from the persisted snapshots. Only the store is read here:
   * drivers and credentials are loaded by the first reconcile, so their failures are this infra's problem,
   * reported and retried with backoff, not a failure to start.
   */
  async start(): Promise<void> {
    this.nodes = await this.deps.store.getNodes(this.infra.id);
    this.toResume = (await this.deps.store.listInstances(this.infra.id)).filter((rec) => rec.state !== 'gone');
    this.requestTick();
  }

  /**
   * Resumed machines may be mid-call (a create whose answer was lost): they run again only once the drivers and
   * credentials are loaded, or the repeated call would fail for want of them and the instance would be replaced,
   * leaving what the first call launched behind.
   */
  private resumeMachines(): void {
    if (!this.toResume) return;
    for (const rec of this.toResume) {
      this.fleet.track(rec, rec.snapshot && rec.machineVersion === MACHINE_VERSION ? rec.snapshot : undefined);
    }
    this.toResume = undefined;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const fn of this.stopListeners) fn();
    this.queue.stop();
    this.endpoints.stop();
    this.fleet.stop();
    await this.writer.flush().catch(() => {});
  }

  onStatus(fn: (s: RuntimeStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Destroys one instance now (see Controller.removeInstance); false if it is not tracked here. */
  removeInstance(id: string, reason: string): boolean {
    if (!this.fleet.destroy(id, reason)) return false;
    this.requestTick();
    return true;
  }

  onStop(fn: () => void): () => void {
    this.stopListeners.add(fn);
    return () => this.stopListeners.delete(fn);
  }

  /** Something inside wants a tick soon (a machine transition, a cloud event); a failing infra keeps its backoff. */
  requestTick(): void {
    this.queue.request();
  }

  /** Desired state changed (apply, scale, destroy): reconcile now, even while backing off after failures. */
  wake(): void {
    this.queue.wake();
  }

  /** One reconcile of the whole infra. Throws when it could not finish; the tick queue decides what then. */
  private async reconcileOnce(): Promise<ReconcileResult> {
    await this.refreshDesired();
    if (this.stopped) return { kind: 'done' };
    this.refreshAuth();
    await this.loadDrivers();
    this.resumeMachines();
    const observed = await this.observe();
    const endpointErrors = this.noteEndpoints(observed);
    this.feed(observed);
    const untracked = this.untracked(observed);
    const actions = plan(this.planInput(untracked));
    await this.dispatch(actions);
    await this.writer.flush();
    await this.finishIfDestroyed(observed, untracked, actions);
    this.problem = undefined;
    this.publish(summarise({
      infra: this.infra,
      nodes: this.nodes,
      instances: this.fleet.records(),
      untracked: untracked.length,
      actions: actions.filter((a) => a.kind !== 'node-failed').length,
      unconfirmed: this.fleet.unconfirmedReady(),
      errors: endpointErrors,
    }));
    if (!this.status.converged || this.fleet.isWaitingOnCloud()) return { kind: 'requeue', afterMs: this.deps.options.pollMs };
    return { kind: 'done' };
  }

  /**
   * Endpoint outages from this tick's lists: told once when one starts and once when it ends. The status carries
   * "endpoint X unreachable since T: <the cloud's words>" for as long as it lasts.
   */
  private noteEndpoints(observed: ObservedCloud): RuntimeStatus['errors'] {
    const now = this.deps.clock.now();
    for (const key of observed.listed) {
      const ended = this.health.answered(key);
      if (ended) this.onEndpointBack(key, ended, now);
    }
    return observed.errors.map((e) => {
      const started = this.health.failed(e.key, e.endpoint, e.error, now);
      if (started) this.onEndpointDown(e.key, started);
      const outage = this.health.outage(e.key);
      return outage
        ? { endpoint: e.endpoint, code: e.code, message: outageMessage(outage), since: outage.since }
        : { endpoint: e.endpoint, code: e.code, message: e.message };
    });
  }

  private onEndpointDown(key: string, outage: Outage): void {
    const message = outageMessage(outage);
    this.log.warn({ endpoint: outage.endpoint, code: outage.code }, `${message} (instances waiting on it are held, not replaced)`);
    this.event({ kind: 'endpoint.unreachable', message, data: { endpoint: outage.endpoint, code: outage.code } });
    // what `reef status` shows from the store alone, on the instances that wait on the endpoint
    const lastError = { code: outage.code, message, transient: true };
    for (const t of this.fleet.all()) {
      if (instanceEndpointKey(t.rec) !== key || t.rec.state === 'ready' || t.rec.destroyReason) continue;
      t.rec.lastError = lastError;
      this.writer.patch(t.rec.id, { lastError });
    }
  }

  private onEndpointBack(key: string, outage: Outage, now: number): void {
    const seconds = Math.round((now - outage.since) / 1000);
    const message = `endpoint ${outage.endpoint} answers again (unreachable for ${seconds} s)`;
    this.log.info({ endpoint: outage.endpoint }, message);
    this.event({ kind: 'endpoint.reachable', message, data: { endpoint: outage.endpoint } });
    for (const t of this.fleet.all()) {
      if (instanceEndpointKey(t.rec) !== key) continue;
      // the outage did not count against its health_check timeout; a call waiting out its backoff goes now
      t.actor.send({ type: 'instance.extend', ms: now - outage.since });
      const s = t.actor.getSnapshot();
      if (s.matches({ creating: 'backoff' }) || s.matches({ contextualising: 'backoff' }) || s.matches({ destroying: 'backoff' })) {
        t.actor.send({ type: 'instance.resume' });
      }
    }
  }

  /** A new problem is logged and written to the event log once; its end too. Repeats stay quiet. */
  private onReport(r: NonNullable<NextRun['report']>): void {
    if (r.kind === 'recovered') {
      this.log.info({ failures: r.after }, `reconciling again after ${r.after} failed attempt${r.after > 1 ? 's' : ''}`);
      this.event({ kind: 'infra.recovered', message: `reconciling again after ${r.after} failed attempt${r.after > 1 ? 's' : ''}` });
      return;
    }
    const terminal = r.kind === 'terminal';
    this.problem = { code: r.error.code, message: r.error.message, since: this.problem?.since ?? this.deps.clock.now(), terminal };
    const retry = terminal ? `checked again every ${Math.round(this.deps.options.requeue.maxMs / 1000)} s` : 'retrying with backoff';
    this.log.error({ err: r.error }, `cannot reconcile: ${r.error.message} (${retry})`);
    this.event({ kind: 'infra.error', message: r.error.message, data: { code: r.error.code, terminal } });
    this.publish({ ...this.status, converged: false, errors: [...this.status.errors.filter((e) => e.endpoint !== RECONCILE), { endpoint: RECONCILE, code: r.error.code, message: r.error.message }] });
  }

  /** Credentials are read when first needed, again when the spec changed, and on every retry while unreadable. */
  private refreshAuth(): void {
    const path = this.infra.authPath;
    if (!path || !this.deps.loadAuth) {
      this.auth = undefined;
      return;
    }
    const key = `${path}|${this.generation}`;
    if (this.authReadFor === key) return;
    this.authReadFor = undefined;
    this.auth = this.deps.loadAuth(path);
    this.authReadFor = key;
  }

  private async loadDrivers(): Promise<void> {
    if (this.driversFor === this.generation) return;
    await this.endpoints.load(this.spec);
    this.driversFor = this.generation;
  }

  /** Desired state may have been changed by another process (apply, scale): re-read it, cheaply. */
  private async refreshDesired(): Promise<void> {
    const infra = await this.deps.store.getInfra(this.infra.id);
    if (!infra) {
      this.log.info('infra removed from the store; stopping');
      await this.stop();
      return;
    }
    this.infra = infra;
    if (infra.generation !== this.generation) {
      this.generation = infra.generation;
      this.spec = infra.spec;
      this.indexSpec();
    }
    const before = new Map(this.nodes.map((n) => [n.name, n.target]));
    this.nodes = await this.deps.store.getNodes(infra.id);
    // `reef scale --instance` from another process marks its victim in the store along with the new target
    if (before.size && this.nodes.some((n) => before.get(n.name) !== n.target)) await this.adoptDestroyMarks();
  }

  private async adoptDestroyMarks(): Promise<void> {
    for (const row of await this.deps.store.listInstances(this.infra.id)) {
      const t = this.fleet.get(row.id);
      if (row.destroyReason && t && !t.rec.destroyReason) this.fleet.destroy(row.id, row.destroyReason);
    }
  }

  private indexSpec(): void {
    this.nodeByName = new Map(this.spec.nodes.map((n) => [n.name, n]));
    // what an instance is built from; scaling limits and dependencies are not part of it
    this.nodeHash = new Map(this.spec.nodes.map((n) => [n.name, nodeFingerprint(n)]));
  }

  private implementationOf(rec: InstanceRecord) {
    const node = this.nodeByName.get(rec.node);
    return node?.implementations[rec.implIndex] ?? node?.implementations[0];
  }

  private async observe(): Promise<ObservedCloud> {
    const targets = this.endpoints.targets(this.spec, this.fleet.placements());
    this.endpoints.watch(targets, this.infra.id, (o) => this.onPushedObservation(o));
    return observeEndpoints(targets, this.infra.id, {
      driver: (type) => this.endpoints.driver(type),
      limiter: (key) => this.endpoints.limiter(key),
      ctx: { signal: new AbortController().signal, log: this.log, clock: this.deps.clock },
    });
  }

  private onPushedObservation(o: Observation): void {
    const t = o.exists ? this.fleet.get(o.labels.instance) : this.fleet.findByRef(o.ref.id);
    if (t) this.fleet.observe(t, o, true);
    this.requestTick();
  }

  private feed(observed: ObservedCloud): void {
    for (const t of this.fleet.all()) {
      const ref = t.rec.ref;
      if (!ref || !observed.listed.has(`${ref.driver}|${ref.endpoint}`)) continue;
      const o = observed.byInstance.get(t.rec.id) ?? { exists: false as const, ref };
      // waiting states and absences are told every tick: a grace period may have run out since the last one
      this.fleet.observe(t, o, !o.exists || t.rec.state === 'booting' || t.rec.state === 'destroying');
    }
  }

  private untracked(observed: ObservedCloud): UntrackedResource[] {
    this.fleet.expireGone();
    const out: UntrackedResource[] = [];
    for (const [id, o] of observed.byInstance) {
      if (!o.exists || this.fleet.get(id) || this.fleet.isRecentlyGone(id) || this.collecting.has(o.ref.id)) continue;
      out.push({ ref: o.ref, labels: o.labels });
    }
    return out;
  }

  private planInput(untracked: UntrackedResource[]): PlanInput {
    const rows = new Map(this.nodes.map((r) => [r.name, r]));
    return {
      status: this.infra.status === 'active' ? 'active' : 'destroying',
      nodes: this.spec.nodes.flatMap((n) => {
        const row = rows.get(n.name);
        if (!row) return [];
        const f = this.fleet.failuresOf(n.name);
        return [{ name: n.name, target: row.target, dependsOn: n.dependsOn, failures: f?.count ?? 0, failedReason: row.failedReason, lastError: f?.lastError }];
      }),
      instances: this.fleet.planInstances(),
      untracked,
      strategy: this.spec.strategy,
      limits: this.deps.options.limits,
    };
  }

  private async dispatch(actions: Action[]): Promise<void> {
    const created: InstanceRecord[] = [];
    for (const a of actions) {
      switch (a.kind) {
        case 'create':
          for (let i = 0; i < a.count; i++) created.push(this.newRecord(a.node));
          this.log.info({ node: a.node, action: 'create', count: a.count }, `creating ${a.count} × ${a.node}`);
          break;
        case 'adopt':
          created.push({ ...this.newRecord(a.node, a.instanceId), ref: a.ref });
          this.event({ node: a.node, instance: a.instanceId, kind: 'instance.adopted', message: `adopted untracked ${a.ref.driver} resource ${a.ref.id}` });
          break;
        case 'destroy':
          if (this.fleet.destroy(a.instanceId, a.reason)) {
            this.log.info({ node: a.node, instance: a.instanceId, action: 'destroy', reason: a.reason }, `destroying ${a.instanceId} (${a.reason})`);
          }
          break;
        case 'collect':
          void this.collect(a.ref, a.labels.instance, a.reason);
          break;
        case 'node-failed':
          await this.deps.store.setNodeFailed(this.infra.id, a.node, a.reason);
          this.nodes = this.nodes.map((n) => (n.name === a.node ? { ...n, failedReason: a.reason } : n));
          this.log.error({ node: a.node }, `node ${a.node} failed: ${a.reason}`);
          this.event({ node: a.node, kind: 'node.failed', message: a.reason });
          break;
      }
    }
    if (created.length === 0) return;
    // intent before effect: the rows are committed before any machine may call a cloud
    await this.deps.store.insertInstances(created);
    for (const rec of created) this.fleet.track(rec);
  }

  private newRecord(node: string, id?: string): InstanceRecord {
    const spec = this.nodeByName.get(node)!;
    const instanceId = id ?? `${node}-${randomBytes(6).toString('hex')}`;
    const implIndex = spec.implementations.length > 1 ? hashIndex(instanceId, spec.implementations.length) : 0;
    const resource = spec.implementations[implIndex].resource;
    const now = this.deps.clock.now();
    return {
      id: instanceId, infraId: this.infra.id, node, implIndex, driver: resource.type, endpoint: this.endpoints.endpointOf(resource),
      ref: null, state: 'pending', snapshot: null, machineVersion: MACHINE_VERSION, addresses: {}, attempts: 0,
      lastError: null, destroyReason: null, generation: this.generation, createdAt: now, updatedAt: now, readyAt: null,
    };
  }

  private async collect(ref: ResourceRef, instance: string, reason: string): Promise<void> {
    if (this.collecting.has(ref.id)) return;
    this.collecting.add(ref.id);
    const target = this.endpoints.targets(this.spec, this.fleet.placements()).find((t) => t.key === `${ref.driver}|${ref.endpoint}`);
    try {
      if (!target) throw new Error(`no resource section known for endpoint ${ref.endpoint}`);
      const driver = await this.endpoints.driver(ref.driver);
      const ctx = { signal: new AbortController().signal, log: this.log, clock: this.deps.clock };
      await this.endpoints.limiter(target.key).run(() => driver.destroy({ ref, resource: target.resource, credentials: target.credentials }, ctx));
      this.log.info({ instance, action: 'collect', reason }, `collected ${ref.driver} resource ${ref.id} (${reason})`);
      this.event({ instance, kind: 'resource.collected', message: `collected ${ref.driver} resource ${ref.id}: ${reason}` });
    } catch (err) {
      // the next tick lists the endpoint again and retries the collection
      this.log.warn({ err: asReefError(err), instance }, `could not collect ${ref.id}; will retry`);
    } finally {
      this.collecting.delete(ref.id);
      this.fleet.forget(instance);
      this.requestTick();
    }
  }

  private async finishIfDestroyed(observed: ObservedCloud, untracked: UntrackedResource[], actions: Action[]): Promise<void> {
    if (this.infra.status !== 'destroying') return;
    if (this.fleet.size > 0 || untracked.length > 0 || actions.length > 0 || observed.errors.length > 0 || this.collecting.size > 0) return;
    await this.deps.store.setInfraStatus(this.infra.id, 'destroyed', this.deps.clock.now());
    this.event({ kind: 'infra.destroyed', message: 'every resource is gone' });
    await this.writer.flush();
    this.infra = { ...this.infra, status: 'destroyed' };
    this.log.info('infra destroyed: nothing left in the clouds');
  }

  private event(e: Omit<NewEvent, 'time' | 'infra'>): void {
    this.writer.event({ time: this.deps.clock.now(), infra: this.infra.id, ...e });
  }

  private publish(s: RuntimeStatus): void {
    this.status = s;
    for (const fn of this.listeners) fn(s);
  }

  private effectsDeps(credentials: EffectsDeps['credentials']): EffectsDeps {
    return {
      infraId: this.infra.id,
      spec: () => this.spec,
      placement: (id) => {
        const t = this.fleet.get(id);
        const node = t && this.nodeByName.get(t.rec.node);
        if (!t || !node) return undefined;
        return { node, implementation: node.implementations[t.rec.implIndex] ?? node.implementations[0] };
      },
      addressesOf: (node) => this.fleet.addressesOf(node),
      lastObservation: (id) => this.fleet.get(id)?.obs,
      driver: (type) => this.endpoints.driver(type),
      limiter: (resource) => this.endpoints.limiterFor(resource),
      credentials,
      hostKeys: this.hostKeys,
      clock: this.deps.clock,
      log: this.log,
    };
  }
}

/** The `endpoint` under which a failed reconcile of the whole infra shows among the status's errors. */
export const RECONCILE = 'reconcile';

/** The endpoint an instance lives on (where its resource was created, else where it will be). */
function instanceEndpointKey(rec: InstanceRecord): string {
  return rec.ref ? `${rec.ref.driver}|${rec.ref.endpoint}` : `${rec.driver}|${rec.endpoint}`;
}

function hashIndex(id: string, n: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % n;
}
