/**
 * Tells the machines what the clouds showed. A tick's lists go to every instance on an endpoint that answered
 * (absence counts only where the list succeeded); a pushed change (watch) goes to its one instance. Labelled
 * resources nobody tracks are handed to plan() to adopt or collect, except those reef removed a moment ago.
 */
import type { Observation } from '../reconcilers/driver.js';
import type { Clock } from './clock.js';
import type { Fleet, TrackedInstance } from './fleet.js';
import { observationKey, type ObservedCloud } from './observe.js';
import type { UntrackedResource } from './plan.js';

/** how long a destroyed instance's id is kept out of the orphan sweep (its list entry may lag) */
const GONE_MEMORY_MS = 60_000;

/** Ids reef destroyed (or collected) a moment ago, whose resource a lagging list may still show. */
export class RecentlyGone {
  private readonly at = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  add(id: string): void {
    this.at.set(id, this.clock.now());
  }

  has(id: string): boolean {
    return this.at.has(id);
  }

  expire(): void {
    const now = this.clock.now();
    for (const [id, at] of this.at) if (now - at > GONE_MEMORY_MS) this.at.delete(id);
  }
}

/** Sends an observation if it says something new (or always, to instances waiting on the cloud). */
export function tell(t: TrackedInstance, o: Observation, now: number, always = false): void {
  if (o.exists && o.phase === 'running') t.seenRunningAt = now;
  // the hash on the resource is the truth: an adopted resource, or one whose snapshot was dropped, was stamped
  // with the current definition's hash when tracked, and would otherwise never be rolled
  if (o.exists && o.labels.specHash) t.specHash = o.labels.specHash;
  const key = observationKey(o);
  if (!always && key === t.obsKey) return;
  t.obsKey = key;
  t.obs = o;
  // past booting, a machine reacts only to a resource that stopped, failed or is absent: telling it that one runs
  // or is on its way would cost a full machine step for nothing (one per instance at its first listing)
  if (o.exists && (o.phase === 'running' || o.phase === 'pending') && t.rec.state !== 'booting') return;
  t.actor.send({ type: 'instance.observed', observation: o });
}

/** A tick's lists: every tracked instance on an endpoint whose list answered hears what it showed, or its absence. */
export function feedListed(fleet: Fleet, observed: ObservedCloud, now: number): void {
  for (const t of fleet.all()) {
    const ref = t.rec.ref;
    if (!ref || !observed.listed.has(`${ref.driver}|${ref.endpoint}`)) continue;
    const o = observed.byInstance.get(t.rec.id) ?? { exists: false as const, ref };
    // waiting states and absences are told every tick: a grace period may have run out since the last one
    tell(t, o, now, !o.exists || t.rec.state === 'booting' || t.rec.state === 'destroying');
  }
}

/** A change pushed between ticks (Docker events): found by the instance label, or by the ref once it is gone. */
export function feedPushed(fleet: Fleet, o: Observation, now: number): void {
  const t = o.exists ? fleet.get(o.labels.instance) : fleet.findByRef(o.ref.id);
  if (t) tell(t, o, now, true);
}

/** Labelled resources without a tracked instance, leaving out those just removed or being collected. */
export function untrackedOf(observed: ObservedCloud, fleet: Fleet, gone: RecentlyGone, collecting: ReadonlySet<string>): UntrackedResource[] {
  gone.expire();
  const out: UntrackedResource[] = [];
  for (const [id, o] of observed.byInstance) {
    if (!o.exists || fleet.get(id) || gone.has(id) || collecting.has(o.ref.id)) continue;
    out.push({ ref: o.ref, labels: o.labels });
  }
  return out;
}
