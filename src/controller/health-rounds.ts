/**
 * Routine health checks of one infra's ready instances, run outside their machines. A ready instance is checked
 * every health_check.interval; a check that passes changes nothing and costs only the probe, and one that fails is
 * sent to the machine (instance.check-failed), which goes unhealthy and takes it from there. Before, each check was
 * two machine transitions and a spawned actor: at 30,000 ready instances per replica that was ~3,000 a second,
 * more work than deploying new instances, and it grew with the number ready while the rest deployed.
 *
 * One timer per infra, at the earliest due check but no sooner than ROUND_MS after the last round, so a round
 * scans the ready instances once and starts every check that is due (the endpoint limiter bounds them).
 */
import type { Probe } from '../reconcilers/driver.js';
import type { Clock } from './clock.js';
import type { Fleet, TrackedInstance } from './fleet.js';
import type { InstanceContext } from './instance/types.js';

const ROUND_MS = 250;

export interface HealthRoundsDeps {
  fleet: () => Fleet;
  clock: Clock;
  rand: () => number;
  check(c: InstanceContext, signal: AbortSignal): Promise<Probe[]>;
  signal: AbortSignal;
}

export class HealthRounds {
  /** ready instance id → when its next check is due */
  private readonly due = new Map<string, number>();
  private readonly checking = new Set<string>();
  private timer: unknown;
  private timerAt = Infinity;
  private lastRound = -Infinity;
  private stopped = false;

  constructor(private readonly deps: HealthRoundsDeps) {}

  /**
   * Told of every machine snapshot: a ready instance gets its first check within one interval (spread over its
   * second half, so ready instances restored together are not all checked at once); one that left ready, none.
   */
  note(t: TrackedInstance, ready: boolean): void {
    const id = t.rec.id;
    if (!ready) {
      this.due.delete(id);
      return;
    }
    if (this.due.has(id) || this.stopped) return;
    const interval = t.actor.getSnapshot().context.healthIntervalMs;
    this.schedule(id, this.deps.clock.now() + interval * (0.5 + this.deps.rand() / 2));
  }

  stop(): void {
    this.stopped = true;
    this.due.clear();
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(id: string, at: number): void {
    this.due.set(id, at);
    this.arm(at);
  }

  private arm(at: number): void {
    const when = Math.max(at, this.lastRound + ROUND_MS);
    if (this.timer !== undefined && this.timerAt <= when) return;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timerAt = when;
    this.timer = this.deps.clock.setTimeout(() => this.round(), Math.max(0, when - this.deps.clock.now()));
  }

  private round(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.stopped) return;
    const now = this.deps.clock.now();
    this.lastRound = now;
    let next = Infinity;
    for (const [id, at] of this.due) {
      if (this.checking.has(id)) continue;
      if (at > now) {
        next = Math.min(next, at);
        continue;
      }
      const t = this.deps.fleet().get(id);
      if (!t) {
        this.due.delete(id);
        continue;
      }
      void this.check(t);
    }
    if (next < Infinity) this.arm(next);
  }

  private async check(t: TrackedInstance): Promise<void> {
    const id = t.rec.id;
    this.checking.add(id);
    let failure: { output?: Probe[]; error?: unknown } | undefined;
    try {
      const probes = await this.deps.check(t.actor.getSnapshot().context, this.deps.signal);
      if (!probes.every((p) => p.ok)) failure = { output: probes };
    } catch (error) {
      failure = { error };
    } finally {
      this.checking.delete(id);
    }
    if (this.stopped || this.deps.signal.aborted) return;
    // the instance may have left ready (destroyed, failed, replaced) while the check ran: its answer is stale
    if (!this.due.has(id) || this.deps.fleet().get(id) !== t) return;
    if (failure) {
      this.due.delete(id);
      t.actor.send({ type: 'instance.check-failed', ...failure });
      return;
    }
    this.schedule(id, this.deps.clock.now() + t.actor.getSnapshot().context.healthIntervalMs);
  }
}
