/**
 * Which endpoints a reconcile lists. Docker's events stream pushes every container change between ticks, and the
 * machines hear create's own answer, so while instances on a watched endpoint are being created, configured or
 * checked, the ticks their transitions ask for need not list it again: it is listed once nothing is in flight there (so what
 * needs the whole picture — confirming ready instances, orphans, the end of a destroy — is always read from a
 * fresh list) and, whatever happens, whenever its last good list is older than the bound (the safety net for a
 * watch that missed something). An endpoint without a watch, or whose last list failed, is listed every tick.
 */
import type { InstanceRecord } from '../state/store.js';
import { isInProgress } from './plan.js';

export interface CadenceInput {
  key: string;
  /** a watch is open on the endpoint */
  watched: boolean;
  now: number;
}

export class ListCadence {
  private readonly lastGood = new Map<string, number>();

  constructor(private readonly boundMs: number) {}

  /** Lists unless the endpoint is watched, listed well within the bound, and something on it is in flight. */
  shouldList(t: CadenceInput, busy: ReadonlySet<string>): boolean {
    const at = this.lastGood.get(t.key);
    return !(t.watched && busy.has(t.key) && at !== undefined && t.now - at < this.boundMs);
  }

  /** The tick's outcome for one endpoint: a good list restarts its bound, a failed one ends the reprieve. */
  record(key: string, ok: boolean, now: number): void {
    if (ok) this.lastGood.set(key, now);
    else this.lastGood.delete(key);
  }
}

/**
 * Endpoint keys (`driver|endpoint`) with an instance being created, configured or checked, and none waiting on an
 * observation: a booting or destroying machine may have heard its event before it waited for it, and is told the
 * listed state every tick (observation-feed.ts), so an endpoint with one is listed every tick.
 */
export function busyEndpoints(instances: Iterable<{ rec: Pick<InstanceRecord, 'driver' | 'endpoint' | 'state'> }>): Set<string> {
  const busy = new Set<string>();
  const waiting = new Set<string>();
  for (const { rec: r } of instances) {
    const key = `${r.driver}|${r.endpoint}`;
    if (r.state === 'booting' || r.state === 'destroying') waiting.add(key);
    else if (isInProgress(r.state)) busy.add(key);
  }
  for (const key of waiting) busy.delete(key);
  return busy;
}
