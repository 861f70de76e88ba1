/**
 * Reconciles one infra. Each reconcile: re-read desired state (desired-state.ts), observe the clouds (one list()
 * per endpoint, observe.ts), note endpoint outages (endpoint-outages.ts), feed the machines what changed
 * (observation-feed.ts), run plan() on what plan-input.ts gathers, carry out its actions (actuator.ts), publish the
 * status and say when to come back (requeue.ts). Ready instances are health-checked by health-rounds.ts. Reconciles are run by the tick queue (tick-queue.ts), asked for
 * by machine transitions that matter to plan (instance-recorder.ts), cloud events (watch) and its timer.
 */
import type { Observation } from '../reconcilers/driver.js';
import type { AuthFile } from '../spec/types.js';
import type { InfraRecord, InstanceRecord, NewEvent, Store } from '../state/store.js';
import type { DriverRegistry } from '../reconcilers/registry.js';
import type { Logger } from '../util/log.js';
import type { Clock } from './clock.js';
import type { ControllerOptions } from './options.js';
import { plan } from './plan.js';
import { restorableSnapshot } from './instance/machine.js';
import { provideInstanceMachine } from './instance/implementations.js';
import { bindEffects, makeInstanceEffects } from './instance-effects.js';
import { observeEndpoints, type ObservedCloud } from './observe.js';
import { InfraAuth } from './infra-auth.js';
import { problemNotice, withProblem, type InfraProblem } from './infra-problem.js';
import type { EndpointLimiter } from './limiter.js';
import { WriteBehind } from './write-behind.js';
import { isWaitingOnCloud, summarise, unconfirmedReady, type RuntimeStatus } from './status.js';
import { EndpointPool } from './endpoints.js';
import { Fleet } from './fleet.js';
import { TickQueue } from './tick-queue.js';
import type { NextRun, ReconcileResult } from './requeue.js';
import { DesiredState } from './desired-state.js';
import { Actuator, inSlices } from './actuator.js';
import { InstanceRecorder } from './instance-recorder.js';
import { EndpointOutages } from './endpoint-outages.js';
import { RecentlyGone, feedListed, feedPushed, untrackedOf } from './observation-feed.js';
import { planInputOf } from './plan-input.js';
import { HostKeys } from './host-keys.js';
import { ListCadence, busyEndpoints } from './list-cadence.js';
import { TransientError } from '../errors/index.js';
import { HealthRounds } from './health-rounds.js';
import { topState } from './instance/state-of.js';

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

export class InfraRuntime {
  status: RuntimeStatus;
  private readonly desired: DesiredState;
  private readonly writer: WriteBehind;
  private readonly endpoints: EndpointPool;
  private readonly fleet: Fleet;
  private readonly recorder: InstanceRecorder;
  private readonly health: HealthRounds;
  private readonly outages: EndpointOutages;
  private readonly actuator: Actuator;
  private readonly recentlyGone: RecentlyGone;
  private readonly cadence: ListCadence;
  private readonly log: Logger;
  private readonly listeners = new Set<(s: RuntimeStatus) => void>();
  private readonly stopListeners = new Set<() => void>();
  private readonly queue: TickQueue;
  private readonly auth: InfraAuth;
  private driversFor?: number;
  private problem?: InfraProblem;
  private stopped = false;
  /** instance rows read by start(), tracked by the first reconcile that has its drivers (see resumeMachines) */
  private toResume: InstanceRecord[] | undefined;
  /** aborted by stop(): the lists, collections, watches and machines' calls in flight end with it */
  private readonly abort = new AbortController();

  constructor(private readonly deps: RuntimeDeps, infra: InfraRecord) {
    const { clock, options } = deps;
    this.desired = new DesiredState(infra);
    this.log = deps.log.child({ infra: infra.id });
    this.writer = new WriteBehind(deps.store, this.log);
    this.status = summarise({ infra, nodes: [], instances: [], untracked: 0, actions: 0, unconfirmed: 0, errors: [] });
    this.auth = new InfraAuth(deps.loadAuth);
    const credentials = this.auth.credentials;
    this.endpoints = new EndpointPool({ registry: deps.registry, limiters: deps.limiters, concurrency: options.concurrency, credentials, clock, log: this.log, signal: this.abort.signal, access: options.access });
    const event = (e: Omit<NewEvent, 'time' | 'infra'>) => this.event(e);
    const requestTick = () => this.requestTick();
    this.recentlyGone = new RecentlyGone(clock);
    this.cadence = new ListCadence(options.pollMs);
    this.outages = new EndpointOutages({ fleet: () => this.fleet, writer: this.writer, log: this.log, event });
    this.recorder = new InstanceRecorder({
      fleet: () => this.fleet, writer: this.writer, clock, log: this.log, event, requestTick, recentlyGone: this.recentlyGone,
      outageError: (rec) => this.outages.errorFor(rec), stableMs: options.stableMs,
    });
    const effects = makeInstanceEffects(bindEffects({
      infraId: infra.id, desired: this.desired, fleet: () => this.fleet, endpoints: this.endpoints, credentials,
      hostKeys: new HostKeys(), access: options.access, clock, log: this.log,
    }));
    const machine = provideInstanceMachine(effects, {
      clock, rand: options.rand, backoff: options.backoff, checkDelayMs: options.checkDelayMs, signal: this.abort.signal,
      heldUp: (id) => {
        const t = this.fleet.get(id);
        return t !== undefined && this.outages.holds(t.rec);
      },
    });
    this.fleet = new Fleet({
      machine, clock, log: this.log, healthIntervalS: options.healthIntervalS,
      implementationOf: (rec) => this.desired.implementationOf(rec),
      nodeHash: (node) => this.desired.hashOf(node),
      onSnapshot: (t, s) => {
        this.recorder.onSnapshot(t, s);
        this.health.note(t, topState(s) === 'ready');
      },
    });
    this.health = new HealthRounds({
      fleet: () => this.fleet, clock, rand: options.rand, check: (c, signal) => effects.checkHealth(c, signal), signal: this.abort.signal,
    });
    this.actuator = new Actuator({
      store: deps.store, desired: this.desired, fleet: this.fleet, endpoints: this.endpoints, writer: this.writer,
      recentlyGone: this.recentlyGone, clock, log: this.log, signal: this.abort.signal, access: options.access, event, requestTick,
      placements: () => this.recorder.placements(),
    });
    this.queue = new TickQueue({
      clock,
      policy: { resyncMs: options.resyncMs, backoff: options.requeue },
      rand: options.rand,
      reconcile: () => this.reconcileOnce(),
      report: (r) => this.onReport(r),
    });
  }

  get id(): string {
    return this.desired.id;
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
    await this.desired.loadNodes(this.deps.store);
    this.toResume = (await this.deps.store.listInstances(this.id)).filter((rec) => rec.state !== 'gone');
    this.requestTick();
  }

  /**
   * Resumed machines may be mid-call (a create whose answer was lost): they run again only once the drivers and
   * credentials are loaded, or the repeated call would fail for want of them and the instance would be replaced,
   * leaving what the first call launched behind.
   */
  private async resumeMachines(): Promise<void> {
    if (!this.toResume) return;
    const rows = this.toResume;
    this.toResume = undefined;
    await inSlices(rows, (rec) => this.stopped || this.fleet.track(rec, restorableSnapshot(rec)));
  }

  /**
   * Stops reconciling (shutdown, lease lost, infra destroyed or removed): cloud calls in flight are aborted, not
   * awaited, and a reconcile that was waiting on one writes nothing more.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort(new TransientError('REEF_ABORTED', `reconciling ${this.id} stopped`));
    for (const fn of this.stopListeners) fn();
    this.queue.stop();
    this.health.stop();
    this.endpoints.stop();
    this.writer.readSnapshots();
    this.fleet.stop();
    await this.writer.flush().catch(() => {});
  }

  onStatus(fn: (s: RuntimeStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Destroys one instance now (see Controller.removeInstance); false if it is not tracked here. */
  removeInstance(id: string, reason: string): boolean {
    if (!this.actuator.destroy(id, reason)) return false;
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
    const read = await this.desired.refresh(this.deps.store);
    if (read.kind === 'removed') {
      this.log.info('infra removed from the store; stopping');
      await this.stop();
      return { kind: 'done' };
    }
    if (read.targetsChanged) await this.actuator.adoptDestroyMarks();
    if (this.stopped) return { kind: 'done' };
    this.auth.refresh(this.desired.infra.authPath, this.desired.generation);
    await this.loadDrivers();
    await this.resumeMachines();
    if (this.stopped) return { kind: 'done' };
    const observed = await this.observe();
    if (this.stopped) return { kind: 'done' };
    const now = this.deps.clock.now();
    const endpointErrors = this.outages.note(observed, now);
    feedListed(this.fleet, observed, now);
    const untracked = untrackedOf(observed, this.fleet, this.recentlyGone, this.actuator.collecting);
    const { desired } = this;
    const actions = plan(planInputOf({
      infra: desired.infra, spec: desired.spec, nodes: desired.nodes, failuresOf: (n) => this.recorder.failuresOf(n),
      instances: this.fleet.all(), hashOf: (n) => desired.hashOf(n), untracked, limits: this.deps.options.limits,
    }));
    await this.actuator.dispatch(actions);
    await this.writer.flush();
    await this.actuator.finishIfDestroyed(observed, untracked, actions);
    this.problem = undefined;
    this.publish(summarise({
      infra: desired.infra,
      nodes: desired.nodes,
      instances: this.fleet.records(),
      untracked: untracked.length,
      actions: actions.filter((a) => a.kind !== 'node-failed').length,
      unconfirmed: unconfirmedReady(this.fleet.all()),
      errors: endpointErrors,
    }));
    if (!this.status.converged || isWaitingOnCloud(this.fleet.all())) return { kind: 'requeue', afterMs: this.deps.options.pollMs };
    return { kind: 'done' };
  }

  /** A new problem is logged and written to the event log once; its end too. Repeats stay quiet. */
  private onReport(r: NonNullable<NextRun['report']>): void {
    const n = problemNotice(r, this.problem, this.deps.clock.now(), this.deps.options.requeue.maxMs);
    this.log[n.level](n.fields, n.message);
    this.event(n.event);
    if (!n.problem) return;
    this.problem = n.problem;
    this.publish(withProblem(this.status, n.problem));
  }

  private async loadDrivers(): Promise<void> {
    if (this.driversFor === this.desired.generation) return;
    await this.endpoints.load(this.desired.spec);
    this.driversFor = this.desired.generation;
  }

  private async observe(): Promise<ObservedCloud> {
    const targets = this.endpoints.targets(this.desired.spec, this.recorder.placements());
    this.endpoints.watch(targets, this.id, (o) => this.onPushedObservation(o));
    const now = this.deps.clock.now();
    const busy = busyEndpoints(this.fleet.all());
    const toList = targets.filter((t) => this.cadence.shouldList({ key: t.key, watched: this.endpoints.watching(t.key), now }, busy));
    const observed = await observeEndpoints(toList, this.id, {
      driver: (type) => this.endpoints.driver(type),
      limiter: (key) => this.endpoints.limiter(key),
      ctx: { signal: this.abort.signal, log: this.log, clock: this.deps.clock, access: this.deps.options.access },
    });
    for (const t of toList) this.cadence.record(t.key, observed.listed.has(t.key), now);
    return observed;
  }

  private onPushedObservation(o: Observation): void {
    feedPushed(this.fleet, o, this.deps.clock.now());
    this.requestTick();
  }

  private event(e: Omit<NewEvent, 'time' | 'infra'>): void {
    this.writer.event({ time: this.deps.clock.now(), infra: this.id, ...e });
  }

  private publish(s: RuntimeStatus): void {
    this.status = s;
    for (const fn of this.listeners) fn(s);
  }
}

export { RECONCILE, type InfraProblem } from './infra-problem.js';
