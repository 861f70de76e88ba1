/**
 * diffInfra(): what an apply of a spec would change, from the store alone (desired state, node rows, and the
 * instances as last observed). Pure. Removals come from plan() itself, run on the targets the apply would
 * store, so scale-down victims and failed instances are the ones reconciliation would pick; the rest is the
 * whole way to the new state (every outdated instance rolled, every missing one created), not one tick's step.
 */
import type { InfraRecord, InstanceRecord, NodeRecord } from '../state/store.js';
import type { InfraSpec, NodeSpec } from '../spec/types.js';
import { plan, type PlanInstance } from './plan.js';

export type RemoveReason = 'scale-down' | 'failed' | 'definition changed' | 'node removed';

export interface VariableChange {
  key: string;
  from?: unknown;
  to?: unknown;
}

export interface NodeDiff {
  name: string;
  change: 'add' | 'remove' | 'update' | 'none';
  target: { from: number | null; to: number | null };
  range: { from: [number, number] | null; to: [number, number] | null };
  ready: number;
  create: number;
  remove: Array<{ instance: string; reason: RemoveReason }>;
  /** instances replaced because their node's definition changed (counted in create and remove too) */
  roll: number;
  definitionChanged: boolean;
  variables: VariableChange[];
  /** the node gave up earlier: an apply clears that and tries again */
  retry: boolean;
}

export interface InfraDiff {
  infra: string;
  /** new: not in the store; reactivate: destroyed or being destroyed; update: spec differs; unchanged */
  status: 'new' | 'reactivate' | 'update' | 'unchanged';
  generation: { from: number | null; to: number };
  strategy: { from: string | null; to: string };
  nodes: NodeDiff[];
  totals: { create: number; remove: number; roll: number };
  /** anything an apply would change, in the store or in a cloud */
  changed: boolean;
}

export interface DiffInput {
  spec: InfraSpec;
  stored?: { infra: InfraRecord; nodes: NodeRecord[]; instances: InstanceRecord[] };
  /** hash of a node's definition (nodeFingerprint) */
  fingerprint(n: NodeSpec): string;
  /** the stored spec's hash and the new one's: equal means the desired state is unchanged */
  specChanged: boolean;
}

/** The fingerprint an instance was built from, kept in its persisted machine snapshot. */
export function builtFrom(i: InstanceRecord): string | null {
  const ctx = (i.snapshot as { context?: { specHash?: string | null } } | null | undefined)?.context;
  return ctx?.specHash ?? null;
}

export function diffInfra(input: DiffInput): InfraDiff {
  const { spec, stored } = input;
  const reactivate = stored !== undefined && stored.infra.status !== 'active';
  const oldSpec = stored?.infra.spec;
  const oldNodes = new Map((stored?.nodes ?? []).map((n) => [n.name, n]));
  const oldSpecNodes = new Map((oldSpec?.nodes ?? []).map((n) => [n.name, n]));
  // a destroyed infra keeps no instances worth keeping: all of them are on their way out already
  const live = reactivate ? [] : (stored?.instances ?? []).filter((i) => i.state !== 'gone' && !i.destroyReason);
  const hashes = new Map(spec.nodes.map((n) => [n.name, input.fingerprint(n)]));
  const targets = new Map(spec.nodes.map((n) => {
    const old = oldNodes.get(n.name);
    return [n.name, old && !reactivate ? Math.min(Math.max(old.target, n.min), n.max) : n.min];
  }));

  const instances: PlanInstance[] = live.map((i) => {
    const built = builtFrom(i);
    const now = hashes.get(i.node);
    return { id: i.id, node: i.node, state: i.state, createdAt: i.createdAt, outdated: Boolean(built && now && built !== now) };
  });
  // everything replaceable at once, no give-up and no dependency wait: the end state, not the first step
  const actions = plan({
    status: 'active',
    nodes: spec.nodes.map((n) => ({ name: n.name, target: targets.get(n.name)!, dependsOn: [], failures: 0 })),
    instances,
    untracked: [],
    strategy: 'parallel',
    limits: { maxReplaceShare: 1, maxFailures: Number.MAX_SAFE_INTEGER },
  });
  const removed = new Map<string, RemoveReason>();
  for (const a of actions) {
    // outdated ones are rolled below, all of them (plan rolls only a whole, ready node, a batch at a time)
    if (a.kind !== 'destroy' || a.reason === 'outdated') continue;
    removed.set(a.instanceId, a.reason === 'node-removed' ? 'node removed' : a.reason === 'scale-down' ? 'scale-down' : 'failed');
  }

  const nodes: NodeDiff[] = [];
  for (const n of spec.nodes) {
    const old = oldNodes.get(n.name);
    const mine = instances.filter((i) => i.node === n.name);
    const kept = mine.filter((i) => !removed.has(i.id));
    const rolled = kept.filter((i) => i.outdated);
    for (const r of rolled) removed.set(r.id, 'definition changed');
    const target = targets.get(n.name)!;
    const oldDef = oldSpecNodes.get(n.name);
    const d: NodeDiff = {
      name: n.name,
      change: 'none',
      target: { from: old && !reactivate ? old.target : null, to: target },
      range: { from: old ? [old.min, old.max] : null, to: [n.min, n.max] },
      ready: kept.filter((i) => i.state === 'ready').length,
      create: Math.max(0, target - kept.length) + rolled.length,
      remove: mine.filter((i) => removed.has(i.id)).map((i) => ({ instance: i.id, reason: removed.get(i.id)! })),
      roll: rolled.length,
      definitionChanged: Boolean(oldDef && input.fingerprint(oldDef) !== hashes.get(n.name)),
      variables: oldDef ? variableChanges(oldDef.variables, n.variables) : [],
      retry: Boolean(old?.failedReason) && !reactivate,
    };
    const touched = d.create > 0 || d.remove.length > 0 || d.definitionChanged || d.retry || d.target.from !== d.target.to ||
      JSON.stringify(d.range.from) !== JSON.stringify(d.range.to);
    d.change = !old || reactivate ? 'add' : touched ? 'update' : 'none';
    nodes.push(d);
  }
  const wanted = new Set(spec.nodes.map((n) => n.name));
  for (const old of stored?.nodes ?? []) {
    if (wanted.has(old.name)) continue;
    const gone = instances.filter((i) => i.node === old.name);
    nodes.push({
      name: old.name, change: 'remove', target: { from: old.target, to: null }, range: { from: [old.min, old.max], to: null },
      ready: gone.filter((i) => i.state === 'ready').length, create: 0, remove: gone.map((i) => ({ instance: i.id, reason: 'node removed' })),
      roll: 0, definitionChanged: false, variables: [], retry: false,
    });
  }

  const totals = {
    create: nodes.reduce((a, n) => a + n.create, 0),
    remove: nodes.reduce((a, n) => a + n.remove.length, 0),
    roll: nodes.reduce((a, n) => a + n.roll, 0),
  };
  const status = !stored ? 'new' : reactivate ? 'reactivate' : input.specChanged ? 'update' : 'unchanged';
  const changed = status !== 'unchanged' || totals.create > 0 || totals.remove > 0 || nodes.some((n) => n.change !== 'none');
  return {
    infra: spec.id,
    status,
    generation: { from: stored?.infra.generation ?? null, to: stored ? stored.infra.generation + (input.specChanged ? 1 : 0) : 1 },
    strategy: { from: oldSpec?.strategy ?? null, to: spec.strategy },
    nodes,
    totals,
    changed,
  };
}

/** Changed variables by dotted path (nested maps flattened); lists and scalars compare whole. */
export function variableChanges(from: Record<string, unknown>, to: Record<string, unknown>, prefix = ''): VariableChange[] {
  const out: VariableChange[] = [];
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  for (const k of keys) {
    const a = from[k];
    const b = to[k];
    const key = `${prefix}${k}`;
    if (isMap(a) && isMap(b)) out.push(...variableChanges(a, b, `${key}.`));
    else if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ key, ...(a !== undefined ? { from: a } : {}), ...(b !== undefined ? { to: b } : {}) });
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
