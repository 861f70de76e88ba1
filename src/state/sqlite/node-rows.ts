/** Pure: how a node table follows a new spec (see Store.putInfra). */
import type { NodeSpec } from '../../spec/types.js';
import type { NodeRow } from './rows.js';

export interface NodeRowChanges {
  /** every node of the spec, in spec order, as it should be stored. */
  upsert: NodeRow[];
  /** names of stored nodes the spec no longer has. */
  remove: string[];
}

/**
 * `afterDestroy`: the infra was destroyed (or was being destroyed); applying it again starts from the new
 * description's targets, not from the scale it had before the destroy.
 */
export function followSpec(infraId: string, existing: NodeRow[], nodes: NodeSpec[], afterDestroy = false): NodeRowChanges {
  const byName = new Map(afterDestroy ? [] : existing.map((r) => [r.name, r]));
  const upsert = nodes.map((n, position): NodeRow => {
    const old = byName.get(n.name);
    if (!old) return { infra_id: infraId, name: n.name, position, min: n.min, max: n.max, target: n.min, failed_reason: null };
    const rangeChanged = old.min !== n.min || old.max !== n.max;
    return {
      infra_id: infraId,
      name: n.name,
      position,
      min: n.min,
      max: n.max,
      target: Math.min(Math.max(old.target, n.min), n.max),
      // a new range is the user's answer to a failed node, so give it another chance.
      failed_reason: rangeChanged ? null : old.failed_reason,
    };
  });
  const wanted = new Set(nodes.map((n) => n.name));
  return { upsert, remove: existing.filter((r) => !wanted.has(r.name)).map((r) => r.name) };
}
