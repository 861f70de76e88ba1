/**
 * plan(): the whole decision of what the fleet needs, as a pure function of desired state, reef's instance
 * records and what the clouds report. It never calls a cloud; the loop carries its actions out.
 */
import type { Action } from './actions.js';
import type { InstanceState } from '../state/store.js';
import type { ResourceRef, ReefLabels } from '../reconcilers/driver.js';
import type { Strategy } from '../spec/types.js';

export interface PlanNode {
  name: string;
  target: number;
  dependsOn: string[];
  /** instances of this node that failed since one last became ready */
  failures: number;
  /** set once the node has given up */
  failedReason?: string | null;
  /** the last failure's message, for the node-failed report */
  lastError?: string;
}

export interface PlanInstance {
  id: string;
  node: string;
  state: InstanceState;
  createdAt: number;
  destroyReason?: string | null;
  /** created from an older definition of its node (variables, implementations): replaced, a batch at a time */
  outdated?: boolean;
}

export interface UntrackedResource {
  ref: ResourceRef;
  labels: ReefLabels;
}

export interface PlanLimits {
  /** share of a node's target that may be in replacement at once (storm guard); at least one always may */
  maxReplaceShare: number;
  /** failures in a row after which a node gives up (at least twice the node's target) */
  maxFailures: number;
}

export interface PlanInput {
  status: 'active' | 'destroying';
  /** in topological order */
  nodes: PlanNode[];
  instances: PlanInstance[];
  untracked: UntrackedResource[];
  strategy: Strategy;
  limits: PlanLimits;
}

export const DEFAULT_LIMITS: PlanLimits = { maxReplaceShare: 0.5, maxFailures: 5 };

const IN_PROGRESS: ReadonlySet<InstanceState> = new Set([
  'pending', 'contextualising', 'creating', 'booting', 'configuring', 'checking',
]);

export function isInProgress(state: InstanceState): boolean {
  return IN_PROGRESS.has(state);
}

export function plan(input: PlanInput): Action[] {
  if (input.status === 'destroying') return planDestroy(input);

  const actions: Action[] = [];
  const nodesByName = new Map(input.nodes.map((n) => [n.name, n]));
  const byNode = groupByNode(input.instances);

  for (const inst of input.instances) {
    if (!nodesByName.has(inst.node) && !inst.destroyReason && inst.state !== 'gone') {
      actions.push({ kind: 'destroy', instanceId: inst.id, node: inst.node, reason: 'node-removed' });
    }
  }

  const adopted = planUntracked(input, nodesByName, byNode, actions);
  const readyCount = (node: string) => (byNode.get(node) ?? []).filter((i) => !i.destroyReason && i.state === 'ready').length;
  let serialSlotTaken = input.strategy === 'serial' && input.instances.some((i) => !i.destroyReason && isInProgress(i.state));

  for (const node of input.nodes) {
    const live = (byNode.get(node.name) ?? []).filter((i) => !i.destroyReason && i.state !== 'gone');
    const failed = live.filter((i) => i.state === 'failed');
    const healthy = live.filter((i) => i.state !== 'failed');
    const gaveUp = Boolean(node.failedReason);

    // a big node may lose many instances at once (a network glitch): the limit grows with it
    const limit = Math.max(input.limits.maxFailures, 2 * node.target);
    if (!gaveUp && node.failures >= limit) {
      actions.push({ kind: 'node-failed', node: node.name, reason: node.lastError ?? `${node.failures} instances failed` });
    }
    const stopped = gaveUp || node.failures >= limit;

    const size = healthy.length + (adopted.get(node.name) ?? 0);
    if (size > node.target) {
      for (const victim of chooseVictims(healthy, size - node.target)) {
        actions.push({ kind: 'destroy', instanceId: victim.id, node: node.name, reason: 'scale-down' });
      }
      for (const f of failed) actions.push({ kind: 'destroy', instanceId: f.id, node: node.name, reason: 'failed' });
      continue;
    }

    // Storm guard: failed instances hold their slot until their turn to be replaced comes.
    const inReplacement = (byNode.get(node.name) ?? []).filter((i) => (i.destroyReason === 'replace' || i.destroyReason === 'outdated') && i.state !== 'gone').length;
    const replaceBudget = stopped ? 0 : Math.max(1, Math.floor(input.limits.maxReplaceShare * node.target)) - inReplacement;
    const replacing = oldestFirst(failed).slice(0, Math.max(0, replaceBudget));
    for (const f of replacing) actions.push({ kind: 'destroy', instanceId: f.id, node: node.name, reason: 'replace' });
    if (stopped) {
      // no endless crash loop: clean up the failed ones, create nothing more
      for (const f of failed) actions.push({ kind: 'destroy', instanceId: f.id, node: node.name, reason: 'failed' });
      continue;
    }

    // Rolling update: only a node that is whole and ready rolls, within the same replacement budget.
    let rolling: PlanInstance[] = [];
    if (failed.length === 0 && healthy.length === node.target && healthy.every((i) => i.state === 'ready')) {
      rolling = oldestFirst(healthy.filter((i) => i.outdated)).slice(0, Math.max(0, replaceBudget));
      for (const o of rolling) actions.push({ kind: 'destroy', instanceId: o.id, node: node.name, reason: 'outdated' });
    }

    // a replacement is created once the instance it replaces is gone: a slot-bound resource (an SSH host pool,
    // a fixed IP) is free again by then, and a node never holds more than its target
    const occupied = size + failed.length + inReplacement;
    let missing = node.target - occupied;
    if (missing <= 0) continue;
    const depsReady = node.dependsOn.every((dep) => {
      const d = nodesByName.get(dep);
      return d !== undefined && !d.failedReason && readyCount(dep) >= d.target;
    });
    if (!depsReady) continue;
    if (input.strategy === 'serial') {
      if (serialSlotTaken) continue;
      missing = 1;
      serialSlotTaken = true;
    }
    actions.push({ kind: 'create', node: node.name, count: missing });
  }
  return actions;
}

function planDestroy(input: PlanInput): Action[] {
  const actions: Action[] = [];
  for (const inst of input.instances) {
    if (inst.state !== 'gone' && inst.destroyReason !== 'destroy') {
      actions.push({ kind: 'destroy', instanceId: inst.id, node: inst.node, reason: 'destroy' });
    }
  }
  for (const u of input.untracked) actions.push({ kind: 'collect', ref: u.ref, labels: u.labels, reason: 'infra destroyed' });
  return actions;
}

/** Adopt untracked resources a node still wants (up to its target); collect the rest. Returns adoptions per node. */
function planUntracked(
  input: PlanInput,
  nodes: Map<string, PlanNode>,
  byNode: Map<string, PlanInstance[]>,
  actions: Action[],
): Map<string, number> {
  const adopted = new Map<string, number>();
  const sorted = [...input.untracked].sort((a, b) => a.labels.instance.localeCompare(b.labels.instance));
  for (const u of sorted) {
    const node = nodes.get(u.labels.node);
    if (!node) {
      actions.push({ kind: 'collect', ref: u.ref, labels: u.labels, reason: `node "${u.labels.node}" is not in the spec` });
      continue;
    }
    const live = (byNode.get(node.name) ?? []).filter((i) => !i.destroyReason && i.state !== 'gone' && i.state !== 'failed');
    const already = adopted.get(node.name) ?? 0;
    if (live.length + already < node.target) {
      adopted.set(node.name, already + 1);
      actions.push({ kind: 'adopt', node: node.name, instanceId: u.labels.instance, ref: u.ref });
    } else {
      actions.push({ kind: 'collect', ref: u.ref, labels: u.labels, reason: `node "${node.name}" already has its ${node.target} instances` });
    }
  }
  return adopted;
}

/** Scale-down victims: not-ready before ready, then youngest first; ids break ties so the choice is stable. */
function chooseVictims(instances: PlanInstance[], count: number): PlanInstance[] {
  return [...instances]
    .sort((a, b) => {
      const ra = a.state === 'ready' ? 1 : 0;
      const rb = b.state === 'ready' ? 1 : 0;
      if (ra !== rb) return ra - rb;
      if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
      return a.id < b.id ? 1 : -1;
    })
    .slice(0, count);
}

function oldestFirst(instances: PlanInstance[]): PlanInstance[] {
  return [...instances].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

function groupByNode(instances: PlanInstance[]): Map<string, PlanInstance[]> {
  const map = new Map<string, PlanInstance[]>();
  for (const i of instances) {
    const list = map.get(i.node);
    if (list) list.push(i);
    else map.set(i.node, [i]);
  }
  return map;
}
