/**
 * The instance machines of one infra, indexed by id and by node (template look-ups such as getip cost the node's
 * size, not the fleet's). It starts or restores machines and hands every snapshot to `onSnapshot`; what a
 * snapshot means for the row is the recorder's job (instance-recorder.ts), what the clouds show is the feed's
 * (observation-feed.ts).
 */
import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { Addresses, Observation } from '../reconcilers/driver.js';
import type { Implementation } from '../spec/types.js';
import type { InstanceRecord } from '../state/store.js';
import type { Logger } from '../util/log.js';
import type { Clock } from './clock.js';
import type { InstanceMachine } from './instance/machine.js';
import { topState } from './instance/state-of.js';

export interface TrackedInstance {
  rec: InstanceRecord;
  actor: Actor<InstanceMachine>;
  /** the machine's persisted snapshot, read when its row is written (write-behind.ts) */
  takeSnapshot: () => unknown;
  obsKey?: string;
  obs?: Observation;
  confirming?: boolean;
  /** when a list() last showed the resource running */
  seenRunningAt?: number;
  /** fingerprint of the node definition it was built from (fixed for its life; the resource's label wins) */
  specHash?: string | null;
}

export interface FleetDeps {
  machine: InstanceMachine;
  clock: Clock;
  log: Logger;
  /** the implementation an instance is built from, to derive its timeouts */
  implementationOf(rec: InstanceRecord): Implementation | undefined;
  /** fingerprint of the node's current definition */
  nodeHash(node: string): string | undefined;
  healthIntervalS: number;
  onSnapshot(t: TrackedInstance, snapshot: SnapshotFrom<InstanceMachine>): void;
}

export class Fleet {
  private readonly byId = new Map<string, TrackedInstance>();
  private readonly byNode = new Map<string, Set<TrackedInstance>>();

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
    const t: TrackedInstance = { rec, actor, takeSnapshot: () => actor.getPersistedSnapshot(), specHash: actor.getSnapshot().context.specHash };
    this.byId.set(rec.id, t);
    this.nodeSet(rec.node).add(t);
    actor.subscribe({
      next: (s) => this.deps.onSnapshot(t, s),
      error: (err) => this.deps.log.error({ err, instance: rec.id }, 'instance machine crashed'),
    });
    actor.start();
    if (snapshot) actor.send({ type: 'instance.resume' });
    // a restored machine that must go (reef destroy, scale-down) keeps its reason in the row
    if (rec.destroyReason && topState(actor.getSnapshot()) !== 'destroying') actor.send({ type: 'instance.destroy' });
  }

  /** Drops a machine whose instance is gone; it is stopped once its last transition has been handled. */
  remove(t: TrackedInstance): void {
    this.byId.delete(t.rec.id);
    this.byNode.get(t.rec.node)?.delete(t);
    setImmediate(() => t.actor.stop());
  }

  findByRef(refId: string): TrackedInstance | undefined {
    for (const t of this.byId.values()) if (t.rec.ref?.id === refId) return t;
    return undefined;
  }

  /** Addresses of a node's ready instances, oldest first (what getip/getipall see). */
  addressesOf(node: string): Addresses[] {
    const ready = [...(this.byNode.get(node) ?? [])].filter((t) => t.rec.state === 'ready' && !t.rec.destroyReason);
    return ready.sort((a, b) => a.rec.createdAt - b.rec.createdAt).map((t) => t.rec.addresses);
  }

  stop(): void {
    for (const t of this.byId.values()) t.actor.stop();
  }

  private nodeSet(node: string): Set<TrackedInstance> {
    let set = this.byNode.get(node);
    if (!set) this.byNode.set(node, (set = new Set()));
    return set;
  }
}
