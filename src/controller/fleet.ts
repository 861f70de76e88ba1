/**
 * The instance machines of one infra: starts or restores them, feeds them observations, and turns their
 * transitions into store writes, events, log lines, failure counts and tick requests. Indexed by node, so
 * template look-ups (getip) cost the node's size, not the fleet's.
 */
import { createActor, type Actor } from 'xstate';
import type { Addresses, Observation } from '../reconcilers/driver.js';
import type { Implementation } from '../spec/types.js';
import type { InstanceRecord, InstanceState, NewEvent } from '../state/store.js';
import type { Logger } from '../util/log.js';
import type { Clock } from './clock.js';
import type { PlanInstance } from './plan.js';
import { isInProgress } from './plan.js';
import { MACHINE_VERSION, type InstanceMachine } from './instance/machine.js';
import { topState } from './instance/state-of.js';
import { observationKey } from './observe.js';
import type { WriteBehind } from './write-behind.js';
import { countFailure, type NodeFailures } from './node-failures.js';

export interface TrackedInstance {
  rec: InstanceRecord;
  actor: Actor<InstanceMachine>;
  obsKey?: string;
  obs?: Observation;
  confirming?: boolean;
  /** when a list() last showed the resource running */
  seenRunningAt?: number;
  /** fingerprint of the node definition it was built from (fixed for its life) */
  specHash?: string | null;
}

export interface FleetDeps {
  machine: InstanceMachine;
  clock: Clock;
  log: Logger;
  writer: WriteBehind;
  event(e: Omit<NewEvent, 'time' | 'infra'>): void;
  requestTick(): void;
  /** the implementation an instance is built from, to derive its timeouts */
  implementationOf(rec: InstanceRecord): Implementation | undefined;
  /** fingerprint of the node's current definition */
  nodeHash(node: string): string | undefined;
  healthIntervalS: number;
  /** while the endpoint an instance waits on does not answer, that is its last error (not each call's failure) */
  outageError?(rec: InstanceRecord): InstanceRecord['lastError'] | undefined;
  /** a node without a failure for this long starts counting failures afresh */
  stableMs: number;
}

/** transitions plan() cares about */
const TICK_ON: ReadonlySet<InstanceState> = new Set(['booting', 'ready', 'failed', 'gone']);
/** how long a destroyed instance's id is kept out of the orphan sweep (its list entry may lag) */
const GONE_MEMORY_MS = 60_000;

export class Fleet {
  private readonly byId = new Map<string, TrackedInstance>();
  private readonly byNode = new Map<string, Set<TrackedInstance>>();
  private readonly recentlyGone = new Map<string, number>();
  /** one resource section per endpoint instances live at (kept as refs appear): O(endpoints) per tick */
  private readonly placed = new Map<string, { resource: Implementation['resource']; endpoint: string }>();
  private readonly failures = new Map<string, NodeFailures>();

  constructor(private readonly deps: FleetDeps) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): TrackedInstance | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<TrackedInstance> {
    return this.byId.values();
  }

  records(): InstanceRecord[] {
    return [...this.byId.values()].map((t) => t.rec);
  }

  /** Starts a machine for a row: fresh, or restored from its persisted snapshot. */
  track(rec: InstanceRecord, snapshot?: unknown): void {
    const impl = this.deps.implementationOf(rec);
    const timeoutS = impl?.health_check?.timeout ?? 600;
    const actor = createActor(this.deps.machine, {
      clock: this.deps.clock,
      input: {
        instanceId: rec.id,
        deadline: rec.createdAt + timeoutS * 1000,
        healthTimeoutMs: timeoutS * 1000,
        healthIntervalMs: (impl?.health_check?.interval ?? this.deps.healthIntervalS) * 1000,
        hasConfig: Boolean(impl?.config_management),
        ref: rec.ref ?? null,
        specHash: this.deps.nodeHash(rec.node) ?? null,
      },
      ...(snapshot ? { snapshot: snapshot as never } : {}),
    });
    const t: TrackedInstance = { rec, actor, specHash: actor.getSnapshot().context.specHash };
    this.byId.set(rec.id, t);
    this.nodeSet(rec.node).add(t);
    actor.subscribe({
      next: (s) => this.onSnapshot(t, s),
      error: (err) => this.deps.log.error({ err, instance: rec.id }, 'instance machine crashed'),
    });
    actor.start();
    if (snapshot) actor.send({ type: 'instance.resume' });
    // a restored machine that must go (reef destroy, scale-down) keeps its reason in the row
    if (rec.destroyReason && topState(actor.getSnapshot()) !== 'destroying') actor.send({ type: 'instance.destroy' });
  }

  destroy(id: string, reason: string): TrackedInstance | undefined {
    const t = this.byId.get(id);
    if (!t) return undefined;
    t.rec.destroyReason = reason;
    this.deps.writer.patch(id, { destroyReason: reason });
    t.actor.send({ type: 'instance.destroy' });
    return t;
  }

  /** Ready instances the cloud has not shown running since their checks passed (a program may die at once). */
  unconfirmedReady(): number {
    let n = 0;
    for (const t of this.byId.values()) {
      if (t.rec.state === 'ready' && !t.rec.destroyReason && (t.seenRunningAt ?? 0) < (t.rec.readyAt ?? 0)) n++;
    }
    return n;
  }

  /** Sends an observation if it says something new (or always, to instances waiting on the cloud). */
  observe(t: TrackedInstance, o: Observation, always = false): void {
    if (o.exists && o.phase === 'running') t.seenRunningAt = this.deps.clock.now();
    // the hash on the resource is the truth: an adopted resource, or one whose snapshot was dropped, was stamped
    // with the current definition's hash when tracked, and would otherwise never be rolled
    if (o.exists && o.labels.specHash) t.specHash = o.labels.specHash;
    const key = observationKey(o);
    if (!always && key === t.obsKey) return;
    t.obsKey = key;
    t.obs = o;
    t.actor.send({ type: 'instance.observed', observation: o });
  }

  findByRef(refId: string): TrackedInstance | undefined {
    for (const t of this.byId.values()) if (t.rec.ref?.id === refId) return t;
    return undefined;
  }

  /** Ids reef destroyed a moment ago, whose resource a lagging list may still show. */
  isRecentlyGone(id: string): boolean {
    return this.recentlyGone.has(id);
  }

  forget(id: string): void {
    this.recentlyGone.set(id, this.deps.clock.now());
  }

  expireGone(): void {
    const now = this.deps.clock.now();
    for (const [id, at] of this.recentlyGone) if (now - at > GONE_MEMORY_MS) this.recentlyGone.delete(id);
  }

  failuresOf(node: string): { count: number; lastError?: string } | undefined {
    return this.failures.get(node);
  }

  planInstances(): PlanInstance[] {
    const out: PlanInstance[] = [];
    for (const t of this.byId.values()) {
      const current = this.deps.nodeHash(t.rec.node);
      out.push({
        id: t.rec.id, node: t.rec.node, state: t.rec.state, createdAt: t.rec.createdAt, destroyReason: t.rec.destroyReason,
        outdated: Boolean(t.specHash && current && t.specHash !== current),
      });
    }
    return out;
  }

  /** Addresses of a node's ready instances, oldest first (what getip/getipall see). */
  addressesOf(node: string): Addresses[] {
    const ready = [...(this.byNode.get(node) ?? [])].filter((t) => t.rec.state === 'ready' && !t.rec.destroyReason);
    return ready.sort((a, b) => a.rec.createdAt - b.rec.createdAt).map((t) => t.rec.addresses);
  }

  /** Where existing instances live, so their endpoints are listed even if the spec no longer names them. */
  placements(): Array<{ resource: Implementation['resource']; endpoint: string }> {
    return [...this.placed.values()];
  }

  isWaitingOnCloud(): boolean {
    for (const t of this.byId.values()) if (t.rec.state !== 'ready') return true;
    return false;
  }

  stop(): void {
    for (const t of this.byId.values()) t.actor.stop();
  }

  private nodeSet(node: string): Set<TrackedInstance> {
    let set = this.byNode.get(node);
    if (!set) this.byNode.set(node, (set = new Set()));
    return set;
  }

  private onSnapshot(t: TrackedInstance, snapshot: ReturnType<Actor<InstanceMachine>['getSnapshot']>): void {
    const state = topState(snapshot);
    const ctx = snapshot.context;
    const from = t.rec.state;
    t.rec.ref = ctx.ref ?? null;
    if (t.rec.ref && ctx.rendered) {
      const key = `${t.rec.ref.driver}|${t.rec.ref.endpoint}`;
      if (!this.placed.has(key)) this.placed.set(key, { resource: ctx.rendered.resource, endpoint: t.rec.ref.endpoint });
    }
    t.rec.addresses = ctx.addresses;
    t.rec.lastError = (state !== 'ready' && this.deps.outageError?.(t.rec)) || (ctx.lastError ?? null);
    t.rec.readyAt = ctx.readyAt ?? null;
    if (state !== from) {
      t.rec.state = state;
      this.onTransition(t, from, state);
    }
    // a destroy call returned: look at the cloud now rather than at the next resync
    const confirming = snapshot.matches({ destroying: 'confirming' });
    if (confirming && !t.confirming) this.deps.requestTick();
    t.confirming = confirming;
    if (state === 'gone') {
      this.byId.delete(t.rec.id);
      this.byNode.get(t.rec.node)?.delete(t);
      this.forget(t.rec.id);
      this.deps.writer.delete(t.rec.id);
      setImmediate(() => t.actor.stop());
      return;
    }
    this.deps.writer.patch(t.rec.id, {
      state, snapshot: t.actor.getPersistedSnapshot(), machineVersion: MACHINE_VERSION, ref: t.rec.ref,
      addresses: ctx.addresses, attempts: ctx.attempt, lastError: t.rec.lastError, readyAt: t.rec.readyAt,
      updatedAt: this.deps.clock.now(),
    });
  }

  private onTransition(t: TrackedInstance, from: InstanceState, to: InstanceState): void {
    const node = t.rec.node;
    const error = to === 'failed' ? t.rec.lastError : null;
    const message = error ? `${from} → ${to}: ${error.message}` : `${from} → ${to}`;
    this.deps.log[error ? 'warn' : 'info']({ node, instance: t.rec.id, from, to, ...(error ? { reason: error.message } : {}) }, message);
    this.deps.event({ node, instance: t.rec.id, kind: 'instance.transition', from, to, message, data: error ? { error } : undefined });
    if (to === 'failed' && !t.rec.destroyReason) {
      // failures in a row, reset only by a stable while without one (node-failures.ts)
      this.failures.set(node, countFailure(this.failures.get(node), this.deps.clock.now(), this.deps.stableMs, error));
    }
    if (TICK_ON.has(to) || (from === 'destroying' && isInProgress(to))) this.deps.requestTick();
  }
}
