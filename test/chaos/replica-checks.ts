/** The end-of-chaos checks, as lists of problems (empty = as it must be), so a failure names every one. */
import type { LeaseAuditRecord, Store } from '../../src/state/store.js';
import type { ReplicaFleet } from './replica-fleet.js';

/** one resource in a (simulated or real) cloud, in reef's labels */
export interface CloudResource { id: string; infra: string; node: string; instance: string; up: boolean }

export interface ExpectedInfra { id: string; targets: Record<string, number> }

/**
 * Every infra holds exactly its desired nodes and targets; every instance is ready and wanted; the cloud holds one
 * running resource per instance (no twin) and nothing the store does not know (no orphan).
 */
export async function storeProblems(store: Store, expected: ExpectedInfra[], resources: CloudResource[]): Promise<string[]> {
  const problems: string[] = [];
  const known = new Set(expected.map((e) => e.id));
  for (const r of resources) if (!known.has(r.infra)) problems.push(`orphan: ${r.id} of unknown infra ${r.infra}`);
  for (const e of expected) {
    const nodes = await store.getNodes(e.id);
    const targets = Object.fromEntries(nodes.map((n) => [n.name, n.target]));
    if (JSON.stringify(sorted(targets)) !== JSON.stringify(sorted(e.targets))) problems.push(`${e.id}: targets ${JSON.stringify(targets)}, desired ${JSON.stringify(e.targets)}`);
    const instances = await store.listInstances(e.id);
    const inStore = new Set(instances.map((i) => i.id));
    for (const i of instances) {
      if (i.state !== 'ready' || i.destroyReason) problems.push(`${e.id}: instance ${i.id} (${i.node}) is ${i.state}${i.destroyReason ? `, being destroyed (${i.destroyReason})` : ''}`);
    }
    for (const [node, target] of Object.entries(e.targets)) {
      const n = instances.filter((i) => i.node === node).length;
      if (n !== target) problems.push(`${e.id}: ${n} ${node} instances in the store, desired ${target}`);
    }
    const mine = resources.filter((r) => r.infra === e.id);
    const perInstance = new Map<string, CloudResource[]>();
    for (const r of mine) perInstance.set(r.instance, [...(perInstance.get(r.instance) ?? []), r]);
    for (const [instance, rs] of perInstance) {
      if (rs.length > 1) problems.push(`twin: ${rs.length} resources (${rs.map((r) => r.id).join(', ')}) for instance ${instance} of ${e.id}`);
      if (!inStore.has(instance)) problems.push(`orphan: ${rs.map((r) => r.id).join(', ')} (instance ${instance} of ${e.id}) is not in the store`);
      for (const r of rs) if (!r.up) problems.push(`${e.id}: resource ${r.id} of instance ${instance} is not running`);
    }
    for (const i of instances) if (!perInstance.has(i.id)) problems.push(`${e.id}: instance ${i.id} (${i.state}) has no resource in the cloud`);
  }
  return problems;
}

/**
 * No (infra, epoch) with writes from two holders, and no write of an epoch once a later epoch of the same infra
 * has written: a later epoch exists only after the earlier lease was taken over or released, and from then on
 * the store must refuse the earlier epoch's writes (the replicas share a host, so their clocks agree).
 */
export function auditProblems(audit: LeaseAuditRecord[]): string[] {
  const problems: string[] = [];
  const holders = new Map<string, Set<string>>();
  for (const a of audit) {
    const key = `${a.infraId}@${a.epoch}`;
    holders.set(key, (holders.get(key) ?? new Set()).add(a.holder));
  }
  for (const [key, h] of holders) if (h.size > 1) problems.push(`epoch ${key} written by ${[...h].join(' and ')}`);
  const byInfra = new Map<string, LeaseAuditRecord[]>();
  for (const a of audit) byInfra.set(a.infraId, [...(byInfra.get(a.infraId) ?? []), a]);
  for (const [infra, rows] of byInfra) {
    rows.sort((a, b) => a.epoch - b.epoch);
    for (let i = 1; i < rows.length; i++) {
      const earlier = rows.slice(0, i).reduce((m, r) => (r.lastAt > m.lastAt ? r : m));
      if (earlier.lastAt > rows[i]!.firstAt) {
        problems.push(`${infra}: epoch ${earlier.epoch} (${earlier.holder}) wrote at ${earlier.lastAt}, after epoch ${rows[i]!.epoch} (${rows[i]!.holder}) first wrote at ${rows[i]!.firstAt}`);
      }
    }
  }
  return problems;
}

function sorted(o: Record<string, number>): Array<[string, number]> {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}

/** Polls `problems` until it reports none; on timeout throws with the last problems and the replicas' last lines. */
export async function until(what: string, problems: () => Promise<string[]>, withinMs: number, fleet: ReplicaFleet): Promise<void> {
  const deadline = Date.now() + withinMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    try {
      last = await problems();
    } catch (e) {
      last = [`could not check: ${String(e)}`];
    }
    if (last.length === 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${withinMs / 1000} s waiting for ${what}:\n${last.slice(0, 40).join('\n')}${last.length > 40 ? `\n… ${last.length - 40} more` : ''}\n${fleet.tails()}`);
}
