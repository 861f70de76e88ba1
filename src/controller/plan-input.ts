/**
 * What plan() is given, gathered from desired state and the tracked instances. An instance is outdated when the
 * node definition it was built from (the hash on its resource, else the one it was tracked with) differs from the
 * node's current one, as compose compares its config-hash label. Pure.
 */
import type { InfraRecord, InstanceRecord, NodeRecord } from '../state/store.js';
import type { InfraSpec } from '../spec/types.js';
import type { PlanInput, PlanInstance, PlanLimits, UntrackedResource } from './plan.js';

export interface PlanSources {
  infra: Pick<InfraRecord, 'status'>;
  spec: Pick<InfraSpec, 'nodes' | 'strategy'>;
  nodes: NodeRecord[];
  failuresOf(node: string): { count: number; lastError?: string } | undefined;
  instances: Iterable<{ rec: InstanceRecord; specHash?: string | null }>;
  hashOf(node: string): string | undefined;
  untracked: UntrackedResource[];
  limits: PlanLimits;
}

export function isOutdated(built: string | null | undefined, current: string | undefined): boolean {
  return Boolean(built && current && built !== current);
}

export function planInstances(instances: PlanSources['instances'], hashOf: PlanSources['hashOf']): PlanInstance[] {
  const out: PlanInstance[] = [];
  for (const t of instances) {
    out.push({
      id: t.rec.id, node: t.rec.node, state: t.rec.state, createdAt: t.rec.createdAt, destroyReason: t.rec.destroyReason,
      outdated: isOutdated(t.specHash, hashOf(t.rec.node)),
    });
  }
  return out;
}

export function planInputOf(s: PlanSources): PlanInput {
  const rows = new Map(s.nodes.map((r) => [r.name, r]));
  return {
    status: s.infra.status === 'active' ? 'active' : 'destroying',
    nodes: s.spec.nodes.flatMap((n) => {
      const row = rows.get(n.name);
      if (!row) return [];
      const f = s.failuresOf(n.name);
      return [{ name: n.name, target: row.target, dependsOn: n.dependsOn, failures: f?.count ?? 0, failedReason: row.failedReason, lastError: f?.lastError }];
    }),
    instances: planInstances(s.instances, s.hashOf),
    untracked: s.untracked,
    strategy: s.spec.strategy,
    limits: s.limits,
  };
}
