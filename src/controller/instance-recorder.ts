/**
 * Turns instance machines' snapshots into what the rest of reef sees: the row (batched through the write-behind),
 * transition events and log lines, the node's failures in a row (node-failures.ts), where resources live (so their
 * endpoints are listed even after the spec stops naming them), and tick requests when plan() must look again.
 */
import type { SnapshotFrom } from 'xstate';
import type { Implementation } from '../spec/types.js';
import type { InstanceError, InstanceRecord, NewEvent } from '../state/store.js';
import type { Logger } from '../util/log.js';
import type { Clock } from './clock.js';
import type { Fleet, TrackedInstance } from './fleet.js';
import { MACHINE_VERSION, type InstanceMachine } from './instance/machine.js';
import { topState } from './instance/state-of.js';
import { isRoutineCheck, planCaresAbout, project, transitionReport } from './instance-projection.js';
import { countFailure, type NodeFailures } from './node-failures.js';
import type { RecentlyGone } from './observation-feed.js';
import type { WriteBehind } from './write-behind.js';

export interface RecorderDeps {
  fleet: () => Fleet;
  writer: WriteBehind;
  clock: Clock;
  log: Logger;
  event(e: Omit<NewEvent, 'time' | 'infra'>): void;
  requestTick(): void;
  recentlyGone: RecentlyGone;
  /** while the endpoint an instance waits on does not answer, that is its last error (not each call's failure) */
  outageError(rec: InstanceRecord): InstanceError | undefined;
  /** a node without a failure for this long starts counting failures afresh */
  stableMs: number;
}

export class InstanceRecorder {
  /** one resource section per endpoint instances live at (kept as refs appear): O(endpoints) per tick */
  private readonly placed = new Map<string, { resource: Implementation['resource']; endpoint: string }>();
  private readonly failures = new Map<string, NodeFailures>();
  /** instances this runtime has written once: a machine just started or restored here always writes its row */
  private readonly written = new WeakSet<TrackedInstance>();

  constructor(private readonly deps: RecorderDeps) {}

  failuresOf(node: string): { count: number; lastError?: string } | undefined {
    return this.failures.get(node);
  }

  /** Where existing instances live, so their endpoints are listed even if the spec no longer names them. */
  placements(): Array<{ resource: Implementation['resource']; endpoint: string }> {
    return [...this.placed.values()];
  }

  onSnapshot(t: TrackedInstance, snapshot: SnapshotFrom<InstanceMachine>): void {
    const state = topState(snapshot);
    // the endpoint is judged by where the resource is now, so the ref comes first
    t.rec.ref = snapshot.context.ref ?? null;
    const p = project(t.rec, { state, context: snapshot.context }, state !== 'ready' ? this.deps.outageError(t.rec) : undefined);
    if (this.written.has(t) && isRoutineCheck(t.rec, p)) return;
    if (p.placement && !this.placed.has(p.placement.key)) this.placed.set(p.placement.key, { resource: p.placement.resource, endpoint: p.placement.endpoint });
    t.rec.addresses = p.fields.addresses;
    t.rec.lastError = p.fields.lastError;
    t.rec.readyAt = p.fields.readyAt;
    if (p.to !== p.from) {
      t.rec.state = p.to;
      this.onTransition(t, p.from, p.to);
    }
    // a destroy call returned: look at the cloud now rather than at the next resync
    const confirming = snapshot.matches({ destroying: 'confirming' });
    if (confirming && !t.confirming) this.deps.requestTick();
    t.confirming = confirming;
    if (p.to === 'gone') {
      this.deps.fleet().remove(t);
      this.deps.recentlyGone.add(t.rec.id);
      this.deps.writer.delete(t.rec.id);
      return;
    }
    this.written.add(t);
    this.deps.writer.patch(t.rec.id, {
      state: p.to, machineVersion: MACHINE_VERSION, ref: t.rec.ref,
      addresses: p.fields.addresses, attempts: snapshot.context.attempt, lastError: t.rec.lastError, readyAt: t.rec.readyAt,
      updatedAt: this.deps.clock.now(),
    }, t.takeSnapshot);
  }

  private onTransition(t: TrackedInstance, from: TrackedInstance['rec']['state'], to: TrackedInstance['rec']['state']): void {
    const r = transitionReport(t.rec, from, to);
    this.deps.log[r.level](r.fields, r.message);
    this.deps.event(r.event);
    if (to === 'failed' && !t.rec.destroyReason) {
      // failures in a row, reset only by a stable while without one (node-failures.ts)
      this.failures.set(t.rec.node, countFailure(this.failures.get(t.rec.node), this.deps.clock.now(), this.deps.stableMs, r.error));
    }
    if (planCaresAbout(from, to)) this.deps.requestTick();
  }
}
