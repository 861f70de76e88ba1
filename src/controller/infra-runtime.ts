/**
 * Reconciles one infra: holds its instance machines, and on every tick observes the clouds (one list() per
 * endpoint), feeds machines what changed, runs plan() and carries out its actions. Ticks come from machine
 * transitions that matter to plan (ready, failed, gone), cloud events (watch), and a resync timer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createActor, type Actor } from 'xstate';
import type { Addresses, Driver, Observation } from '../reconcilers/driver.js';
import type { AuthFile, InfraSpec, NodeSpec } from '../spec/types.js';
import type { InfraRecord, InstanceRecord, InstanceState, NodeRecord, Store } from '../state/store.js';
import type { DriverRegistry } from '../reconcilers/registry.js';
import type { Logger } from '../util/log.js';
import type { Clock } from './clock.js';
import type { ControllerOptions } from './options.js';
import type { Action } from './actions.js';
import { plan, isInProgress, type PlanInput, type UntrackedResource } from './plan.js';
import { MACHINE_VERSION, type InstanceMachine } from './instance/machine.js';
import { provideInstanceMachine } from './instance/implementations.js';
import { topState } from './instance/state-of.js';
import { makeInstanceEffects, type EffectsDeps } from './instance-effects.js';
import { observeEndpoints, observationKey, type EndpointTarget, type ObservedCloud } from './observe.js';
import { findCredentials } from './credentials.js';
import { EndpointLimiter } from './limiter.js';
import { WriteBehind } from './write-behind.js';
import { summarise, type RuntimeStatus } from './status.js';
import { asReefError } from '../reconcilers/errors.js';

export interface RuntimeDeps {
  store: Store;
  registry: DriverRegistry;
  clock: Clock;
  log: Logger;
  options: ControllerOptions;
  limiters: Map<string, EndpointLimiter>;
  auth?: AuthFile;
}

interface Tracked {
  rec: InstanceRecord;
  actor: Actor<InstanceMachine>;
  obsKey?: string;
  obs?: Observation;
  confirming?: boolean;
}

const TICK_ON: ReadonlySet<InstanceState> = new Set(['booting', 'ready', 'failed', 'gone']);
/** how long a destroyed instance's id is kept out of the orphan sweep (its list entry may lag) */
const GONE_MEMORY_MS = 60_000;

export class InfraRuntime {
  status: RuntimeStatus;
  private spec: InfraSpec;
  private nodes: NodeRecord[] = [];
  private nodeByName = new Map<string, NodeSpec>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly recentlyGone = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; lastError?: string }>();
  private readonly collecting = new Set<string>();
  private readonly hostKeys = new Map<string, string>();
  private readonly watches: Array<() => void> = [];
  private readonly watched = new Set<string>();
  private readonly writer: WriteBehind;
  private readonly machine: InstanceMachine;
  private readonly log: Logger;
  private readonly listeners = new Set<(s: RuntimeStatus) => void>();
  private ticking = false;
  private tickAgain = false;
  private timer: unknown;
  private stopped = false;
  private generation: number;

  constructor(private readonly deps: RuntimeDeps, private infra: InfraRecord) {
    this.spec = infra.spec;
    this.generation = infra.generation;
    this.indexSpec();
    this.log = deps.log.child({ infra: infra.id });
    this.writer = new WriteBehind(deps.store, this.log);
    this.status = summarise({ infra, nodes: [], instances: [], untracked: 0, actions: 0, errors: [] });
    const effects = makeInstanceEffects(this.effectsDeps());
    this.machine = provideInstanceMachine(effects, {
      clock: deps.clock,
      rand: deps.options.rand,
      backoff: deps.options.backoff,
      checkDelayMs: deps.options.checkDelayMs,
    });
  }

  get id(): string {
    return this.infra.id;
  }

  /** Loads instance rows and resumes their machines from the persisted snapshots. */
  async start(): Promise<void> {
    this.nodes = await this.deps.store.getNodes(this.infra.id);
    for (const rec of await this.deps.store.listInstances(this.infra.id)) {
      if (rec.state === 'gone') continue;
      const restorable = rec.snapshot && rec.machineVersion === MACHINE_VERSION;
      this.track(rec, restorable ? rec.snapshot : undefined);
    }
    this.requestTick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    for (const unwatch of this.watches.splice(0)) unwatch();
    for (const t of this.tracked.values()) t.actor.stop();
    await this.writer.flush().catch(() => {});
  }

  onStatus(fn: (s: RuntimeStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  requestTick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    setImmediate(() => void this.tick());
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    this.tickAgain = false;
    const started = this.deps.clock.now();
    try {
      await this.refreshDesired();
      if (this.stopped) return;
      const observed = await this.observe();
      this.feed(observed);
      const untracked = this.untracked(observed);
      const actions = plan(this.planInput(untracked));
      await this.dispatch(actions);
      await this.writer.flush();
      await this.finishIfDestroyed(observed, untracked, actions);
      this.publish(summarise({
        infra: this.infra,
        nodes: this.nodes,
        instances: [...this.tracked.values()].map((t) => t.rec),
        untracked: untracked.length,
        actions: actions.filter((a) => a.kind !== 'node-failed').length,
        errors: observed.errors,
      }));
    } catch (err) {
      this.log.error({ err: asReefError(err) }, 'reconcile failed; retrying');
      this.tickAgain = false;
      this.scheduleNext(this.deps.options.pollMs);
      return;
    } finally {
      this.ticking = false;
      this.log.trace({ durationMs: this.deps.clock.now() - started }, 'tick');
    }
    if (this.tickAgain) this.requestTick();
    else this.scheduleNext(this.waitingOnCloud() ? this.deps.options.pollMs : this.deps.options.resyncMs);
  }

  private scheduleNext(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.requestTick();
    }, ms);
  }

  private waitingOnCloud(): boolean {
    if (!this.status.converged) return true;
    for (const t of this.tracked.values()) if (t.rec.state !== 'ready') return true;
    return false;
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
    this.nodes = await this.deps.store.getNodes(infra.id);
  }

  private nodeHash = new Map<string, string>();
  private indexSpec(): void {
    this.nodeByName = new Map(this.spec.nodes.map((n) => [n.name, n]));
    // what an instance is built from; scaling limits and dependencies are not part of it
    this.nodeHash = new Map(this.spec.nodes.map((n) => [n.name, fingerprint({ type: n.type, variables: n.variables, implementations: n.implementations })]));
  }

  private endpointTargets(): EndpointTarget[] {
    const targets = new Map<string, EndpointTarget>();
    const add = (resource: NodeSpec['implementations'][number]['resource'], endpoint: string) => {
      const key = `${resource.type}|${endpoint}`;
      if (!targets.has(key)) {
        targets.set(key, { driverType: resource.type, key, endpoint, resource, credentials: this.credentials('resource', resource) });
      }
    };
    for (const node of this.spec.nodes) {
      for (const impl of node.implementations) add(impl.resource, this.endpointOf(impl.resource));
    }
    for (const t of this.tracked.values()) {
      const ref = t.rec.ref;
      const resource = t.actor.getSnapshot().context.rendered?.resource;
      if (ref && resource) add(resource, ref.endpoint);
    }
    return [...targets.values()];
  }

  private endpointCache = new Map<string, string>();
  private endpointOf(resource: NodeSpec['implementations'][number]['resource']): string {
    const cacheKey = JSON.stringify(resource);
    let key = this.endpointCache.get(cacheKey);
    if (key === undefined) {
      // endpointKey is pure; drivers are loaded before observe() asks for it (see observe)
      const driver = this.loadedDrivers.get(resource.type);
      key = driver ? driver.endpointKey(resource) : `${resource.type}:${resource.endpoint ?? 'default'}`;
      if (driver) this.endpointCache.set(cacheKey, key);
    }
    return key;
  }

  private readonly loadedDrivers = new Map<string, Driver>();
  private async driver(type: string): Promise<Driver> {
    const d = await this.deps.registry.get(type);
    this.loadedDrivers.set(type, d);
    return d;
  }

  private async observe(): Promise<ObservedCloud> {
    for (const node of this.spec.nodes) for (const impl of node.implementations) await this.driver(impl.resource.type);
    const targets = this.endpointTargets();
    this.startWatches(targets);
    return observeEndpoints(targets, this.infra.id, {
      driver: (type) => this.driver(type),
      limiter: (key) => this.limiterByKey(key),
      ctx: { signal: new AbortController().signal, log: this.log, clock: this.deps.clock },
    });
  }

  private startWatches(targets: EndpointTarget[]): void {
    for (const t of targets) {
      const driver = this.loadedDrivers.get(t.driverType);
      if (!driver?.watch || this.watched.has(t.key)) continue;
      this.watched.add(t.key);
      const stop = driver.watch(
        {
          resource: t.resource,
          infraId: this.infra.id,
          credentials: t.credentials,
          onChange: (o) => this.onPushedObservation(o),
        },
        { signal: new AbortController().signal, log: this.log, clock: this.deps.clock },
      );
      this.watches.push(stop);
    }
  }

  private onPushedObservation(o: Observation): void {
    const id = o.exists ? o.labels.instance : undefined;
    const t = id ? this.tracked.get(id) : [...this.tracked.values()].find((x) => x.rec.ref?.id === o.ref.id);
    if (t) this.send(t, o, true);
    this.requestTick();
  }

  private feed(observed: ObservedCloud): void {
    for (const t of this.tracked.values()) {
      const ref = t.rec.ref;
      if (!ref || !observed.listed.has(`${ref.driver}|${ref.endpoint}`)) continue;
      const o = observed.byInstance.get(t.rec.id) ?? { exists: false as const, ref };
      this.send(t, o, t.rec.state === 'booting' || t.rec.state === 'destroying');
    }
  }

  private send(t: Tracked, o: Observation, always: boolean): void {
    const key = observationKey(o);
    if (!always && key === t.obsKey) return;
    t.obsKey = key;
    t.obs = o;
    t.actor.send({ type: 'instance.observed', observation: o });
  }

  private untracked(observed: ObservedCloud): UntrackedResource[] {
    const now = this.deps.clock.now();
    for (const [id, at] of this.recentlyGone) if (now - at > GONE_MEMORY_MS) this.recentlyGone.delete(id);
    const out: UntrackedResource[] = [];
    for (const [id, o] of observed.byInstance) {
      if (!o.exists || this.tracked.has(id) || this.recentlyGone.has(id) || this.collecting.has(o.ref.id)) continue;
      out.push({ ref: o.ref, labels: o.labels });
    }
    return out;
  }

  private planInput(untracked: UntrackedResource[]): PlanInput {
    return {
      status: this.infra.status === 'active' ? 'active' : 'destroying',
      nodes: this.spec.nodes
        .filter((n) => this.nodes.some((r) => r.name === n.name))
        .map((n) => {
          const rec = this.nodes.find((r) => r.name === n.name)!;
          const f = this.failures.get(n.name);
          return { name: n.name, target: rec.target, dependsOn: n.dependsOn, failures: f?.count ?? 0, failedReason: rec.failedReason, lastError: f?.lastError };
        }),
      instances: [...this.tracked.values()].map((t) => {
        const built = t.actor.getSnapshot().context.specHash;
        const current = this.nodeHash.get(t.rec.node);
        return {
          id: t.rec.id, node: t.rec.node, state: t.rec.state, createdAt: t.rec.createdAt, destroyReason: t.rec.destroyReason,
          outdated: Boolean(built && current && built !== current),
        };
      }),
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
        case 'adopt': {
          const rec = { ...this.newRecord(a.node, a.instanceId), ref: a.ref };
          created.push(rec);
          this.event({ node: a.node, instance: a.instanceId, kind: 'instance.adopted', message: `adopted untracked ${a.ref.driver} resource ${a.ref.id}` });
          break;
        }
        case 'destroy': {
          const t = this.tracked.get(a.instanceId);
          if (!t) break;
          t.rec.destroyReason = a.reason;
          this.writer.patch(t.rec.id, { destroyReason: a.reason });
          this.log.info({ node: a.node, instance: a.instanceId, action: 'destroy', reason: a.reason }, `destroying ${a.instanceId} (${a.reason})`);
          t.actor.send({ type: 'instance.destroy' });
          break;
        }
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
    for (const rec of created) this.track(rec);
  }

  private newRecord(node: string, id?: string): InstanceRecord {
    const spec = this.nodeByName.get(node)!;
    const instanceId = id ?? `${node}-${randomBytes(6).toString('hex')}`;
    const implIndex = spec.implementations.length > 1 ? hashIndex(instanceId, spec.implementations.length) : 0;
    const resource = spec.implementations[implIndex].resource;
    const now = this.deps.clock.now();
    return {
      id: instanceId, infraId: this.infra.id, node, implIndex, driver: resource.type, endpoint: this.endpointOf(resource),
      ref: null, state: 'pending', snapshot: null, machineVersion: MACHINE_VERSION, addresses: {}, attempts: 0,
      lastError: null, destroyReason: null, generation: this.generation, createdAt: now, updatedAt: now, readyAt: null,
    };
  }

  private track(rec: InstanceRecord, snapshot?: unknown): void {
    const spec = this.nodeByName.get(rec.node);
    const impl = spec?.implementations[rec.implIndex] ?? spec?.implementations[0];
    const timeoutS = impl?.health_check?.timeout ?? 600;
    const actor = createActor(this.machine, {
      clock: this.deps.clock,
      input: {
        instanceId: rec.id,
        deadline: rec.createdAt + timeoutS * 1000,
        healthTimeoutMs: timeoutS * 1000,
        healthIntervalMs: (impl?.health_check?.interval ?? this.deps.options.healthIntervalS) * 1000,
        hasConfig: Boolean(impl?.config_management),
        ref: rec.ref ?? null,
        specHash: this.nodeHash.get(rec.node) ?? null,
      },
      ...(snapshot ? { snapshot: snapshot as never } : {}),
    });
    const t: Tracked = { rec, actor };
    this.tracked.set(rec.id, t);
    actor.subscribe({ next: (s) => this.onSnapshot(t, s), error: (err) => this.log.error({ err, instance: rec.id }, 'instance machine crashed') });
    actor.start();
    if (snapshot) actor.send({ type: 'instance.resume' });
    // a restored machine that must destroy (reef destroy, scale-down) keeps its reason in the row
    if (rec.destroyReason && topState(actor.getSnapshot()) !== 'destroying') actor.send({ type: 'instance.destroy' });
  }

  private onSnapshot(t: Tracked, snapshot: ReturnType<Actor<InstanceMachine>['getSnapshot']>): void {
    const state = topState(snapshot);
    const ctx = snapshot.context;
    const from = t.rec.state;
    const now = this.deps.clock.now();
    t.rec.ref = ctx.ref ?? null;
    t.rec.addresses = ctx.addresses;
    t.rec.lastError = ctx.lastError ?? null;
    t.rec.readyAt = ctx.readyAt ?? null;
    if (state !== from) {
      t.rec.state = state;
      this.onTransition(t, from, state, ctx.lastError?.message);
    }
    // a destroy call returned: look at the cloud now rather than at the next resync
    const confirming = snapshot.matches({ destroying: 'confirming' });
    if (confirming && !t.confirming) this.requestTick();
    t.confirming = confirming;
    if (state === 'gone') {
      this.tracked.delete(t.rec.id);
      this.recentlyGone.set(t.rec.id, now);
      this.writer.delete(t.rec.id);
      setImmediate(() => t.actor.stop());
      return;
    }
    this.writer.patch(t.rec.id, {
      state, snapshot: t.actor.getPersistedSnapshot(), machineVersion: MACHINE_VERSION, ref: t.rec.ref,
      addresses: ctx.addresses, attempts: ctx.attempt, lastError: t.rec.lastError, readyAt: t.rec.readyAt, updatedAt: now,
    });
  }

  private onTransition(t: Tracked, from: InstanceState, to: InstanceState, error?: string): void {
    const node = t.rec.node;
    const message = to === 'failed' && error ? `${from} → ${to}: ${error}` : `${from} → ${to}`;
    const level = to === 'failed' ? 'warn' : 'info';
    this.log[level]({ node, instance: t.rec.id, from, to, ...(error && to === 'failed' ? { reason: error } : {}) }, message);
    this.event({ node, instance: t.rec.id, kind: 'instance.transition', from, to, message, data: to === 'failed' && t.rec.lastError ? { error: t.rec.lastError } : undefined });
    if (to === 'failed' && !t.rec.destroyReason) {
      const f = this.failures.get(node) ?? { count: 0 };
      this.failures.set(node, { count: f.count + 1, lastError: t.rec.lastError ? `${t.rec.lastError.code}: ${t.rec.lastError.message}` : f.lastError });
    }
    if (to === 'ready') this.failures.delete(node);
    if (TICK_ON.has(to) || (from === 'destroying' && isInProgress(to))) this.requestTick();
  }

  private async collect(ref: Observation['ref'], instance: string, reason: string): Promise<void> {
    if (this.collecting.has(ref.id)) return;
    this.collecting.add(ref.id);
    const target = this.endpointTargets().find((t) => t.key === `${ref.driver}|${ref.endpoint}`);
    try {
      if (!target) throw new Error(`no resource section known for endpoint ${ref.endpoint}`);
      const driver = await this.driver(ref.driver);
      await this.limiterByKey(target.key).run(() =>
        driver.destroy({ ref, resource: target.resource, credentials: target.credentials }, { signal: new AbortController().signal, log: this.log, clock: this.deps.clock }),
      );
      this.log.info({ instance, action: 'collect', reason }, `collected ${ref.driver} resource ${ref.id} (${reason})`);
      this.event({ instance, kind: 'resource.collected', message: `collected ${ref.driver} resource ${ref.id}: ${reason}` });
    } catch (err) {
      this.log.warn({ err: asReefError(err), instance }, `could not collect ${ref.id}; will retry`);
    } finally {
      this.collecting.delete(ref.id);
      this.recentlyGone.set(instance, this.deps.clock.now());
      this.requestTick();
    }
  }

  private async finishIfDestroyed(observed: ObservedCloud, untracked: UntrackedResource[], actions: Action[]): Promise<void> {
    if (this.infra.status !== 'destroying') return;
    if (this.tracked.size > 0 || untracked.length > 0 || actions.length > 0 || observed.errors.length > 0 || this.collecting.size > 0) return;
    await this.deps.store.setInfraStatus(this.infra.id, 'destroyed', this.deps.clock.now());
    this.event({ kind: 'infra.destroyed', message: 'every resource is gone' });
    await this.writer.flush();
    this.infra = { ...this.infra, status: 'destroyed' };
    this.log.info('infra destroyed: nothing left in the clouds');
  }

  private event(e: { node?: string; instance?: string; kind: string; from?: string; to?: string; message: string; data?: Record<string, unknown> }): void {
    this.writer.event({ time: this.deps.clock.now(), infra: this.infra.id, ...e });
  }

  private publish(s: RuntimeStatus): void {
    this.status = s;
    for (const fn of this.listeners) fn(s);
  }

  private credentials(kind: 'resource' | 'config_management', section: Record<string, unknown>) {
    return findCredentials(this.deps.auth, kind, section);
  }

  private limiterByKey(key: string): EndpointLimiter {
    let l = this.deps.limiters.get(key);
    if (!l) {
      l = new EndpointLimiter({ concurrency: this.deps.options.concurrency });
      this.deps.limiters.set(key, l);
    }
    return l;
  }

  private effectsDeps(): EffectsDeps {
    return {
      infraId: this.infra.id,
      spec: () => this.spec,
      placement: (id) => {
        const t = this.tracked.get(id);
        const node = t && this.nodeByName.get(t.rec.node);
        if (!t || !node) return undefined;
        return { node, implementation: node.implementations[t.rec.implIndex] ?? node.implementations[0] };
      },
      addressesOf: (node) => this.addressesOf(node),
      lastObservation: (id) => this.tracked.get(id)?.obs,
      driver: (type) => this.driver(type),
      limiter: (type, resource, driver) => this.limiterByKey(`${type}|${driver.endpointKey(resource)}`),
      credentials: (kind, section) => this.credentials(kind, section),
      hostKeys: this.hostKeys,
      clock: this.deps.clock,
      log: this.log,
    };
  }

  private addressesOf(node: string): Addresses[] {
    const ready = [...this.tracked.values()].filter((t) => t.rec.node === node && t.rec.state === 'ready' && !t.rec.destroyReason);
    return ready.sort((a, b) => a.rec.createdAt - b.rec.createdAt).map((t) => t.rec.addresses);
  }
}

function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

function hashIndex(id: string, n: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % n;
}
