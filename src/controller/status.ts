/** What an infra looks like after a tick, for `apply --wait`, `status` and the API. Pure. */
import type { InfraRecord, InstanceRecord, NodeRecord } from '../state/store.js';
import { isInProgress } from './plan.js';

export interface NodeStatus {
  name: string;
  min: number;
  max: number;
  target: number;
  ready: number;
  actual: number;
  failedReason?: string | null;
}

export interface RuntimeStatus {
  infraId: string;
  phase: 'active' | 'destroying' | 'destroyed';
  /** desired and observed agree: every node has exactly its target, all ready, nothing being destroyed or collected */
  converged: boolean;
  /** no instance is on its way up or down (a failed node's report is final) */
  settled: boolean;
  nodes: NodeStatus[];
  failedNodes: Array<{ node: string; reason: string }>;
  /** endpoints whose list failed this tick; `since` is set when the endpoint does not answer at all (an outage) */
  errors: Array<{ endpoint: string; code: string; message: string; since?: number }>;
  /**
   * per node, how many instances are in each state (gone ones left out); an instance on its way up whose last
   * call failed and is being retried counts as `retrying`. What a live progress display shows.
   */
  phases: Record<string, Record<string, number>>;
}

export interface SummaryInput {
  infra: InfraRecord;
  nodes: NodeRecord[];
  instances: InstanceRecord[];
  untracked: number;
  actions: number;
  /** ready instances the cloud has not yet shown running since their checks passed */
  unconfirmed?: number;
  errors: RuntimeStatus['errors'];
}

export function summarise(input: SummaryInput): RuntimeStatus {
  // one pass over the instances, whatever the number of nodes
  const counts = new Map<string, { ready: number; actual: number }>();
  let live = 0;
  const phases: Record<string, Record<string, number>> = {};
  let busy = false;
  for (const i of input.instances) {
    if (isInProgress(i.state) || i.state === 'destroying') busy = true;
    if (i.state !== 'gone') {
      const phase = isInProgress(i.state) && i.lastError ? 'retrying' : i.state;
      const p = (phases[i.node] ??= {});
      p[phase] = (p[phase] ?? 0) + 1;
    }
    if (i.destroyReason || i.state === 'gone') continue;
    live++;
    const c = counts.get(i.node) ?? { ready: 0, actual: 0 };
    c.actual++;
    if (i.state === 'ready') c.ready++;
    counts.set(i.node, c);
  }
  const nodes: NodeStatus[] = input.nodes.map((n) => ({
    name: n.name, min: n.min, max: n.max, target: n.target,
    ready: counts.get(n.name)?.ready ?? 0, actual: counts.get(n.name)?.actual ?? 0, failedReason: n.failedReason,
  }));
  const failedNodes = nodes.filter((n) => n.failedReason).map((n) => ({ node: n.name, reason: n.failedReason! }));
  const noLeftovers = input.untracked === 0 && input.actions === 0 && !input.unconfirmed && input.errors.length === 0;
  const phase = input.infra.status;
  const converged =
    phase === 'destroyed' ||
    (phase === 'active' && noLeftovers && failedNodes.length === 0 &&
      live === input.instances.length && nodes.every((n) => n.ready === n.target && n.actual === n.target));
  return { infraId: input.infra.id, phase, converged, settled: !busy, nodes, failedNodes, errors: input.errors, phases };
}

/** Ready instances the cloud has not shown running since their checks passed (a program may die at once). */
export function unconfirmedReady(instances: Iterable<{ rec: InstanceRecord; seenRunningAt?: number }>): number {
  let n = 0;
  for (const t of instances) {
    if (t.rec.state === 'ready' && !t.rec.destroyReason && (t.seenRunningAt ?? 0) < (t.rec.readyAt ?? 0)) n++;
  }
  return n;
}

/** Something is on its way (up, down, or unwell): the next reconcile comes at the poll period, not the resync. */
export function isWaitingOnCloud(instances: Iterable<{ rec: InstanceRecord }>): boolean {
  for (const t of instances) if (t.rec.state !== 'ready') return true;
  return false;
}
