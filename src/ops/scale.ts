/** Scaling a node: a new target, optionally naming the instance to remove, written in one store transaction. */
import type { NodeRecord } from '../state/store.js';
import { FatalError } from '../errors/index.js';
import type { OpsDeps } from './deps.js';
import { requireNodes } from './infra.js';

export interface ScaleInput {
  to?: number;
  by?: number;
  /** instance id or address to remove; alone it means "one fewer" */
  instance?: string;
}

export interface ScaleResult {
  node: NodeRecord;
  previousTarget: number;
  removed?: string;
}

export async function scaleNode(deps: OpsDeps, infraId: string, node: string, input: ScaleInput, where?: string): Promise<ScaleResult> {
  const { store } = deps;
  const nodes = await requireNodes(deps, infraId, where);
  const infra = await store.getInfra(infraId);
  if (infra?.status === 'destroyed' || infra?.status === 'destroying') {
    throw new FatalError('REEF_INFRA_DESTROYED', `infra ${infraId} is ${infra.status}: apply it again to re-create it, then scale`);
  }
  const current = nodes.find((n) => n.name === node);
  if (!current) throw new FatalError('REEF_SCALE_UNKNOWN_NODE', `infra ${infraId} has no node "${node}" (nodes: ${nodes.map((n) => n.name).join(', ')})`);
  const target = input.to ?? current.target + (input.by ?? (input.instance !== undefined ? -1 : 0));
  if (input.instance === undefined) {
    const updated = await store.setTarget(infraId, node, target);
    deps.controller.nudge(infraId);
    return { node: updated, previousTarget: current.target };
  }
  const victim = (await store.listInstances(infraId)).find((i) => i.node === node && !i.destroyReason &&
    (i.id === input.instance || i.addresses.ip === input.instance || i.addresses.privateIp === input.instance));
  if (!victim) throw new FatalError('REEF_INSTANCE_UNKNOWN', `node ${node} has no live instance with id or address "${input.instance}"`);
  // target and mark together: no reconcile sees the one without the other (and an out-of-range target marks nothing)
  const updated = await store.setTarget(infraId, node, target, { instanceId: victim.id, reason: 'scale-down' });
  // a runtime of this process owns the instance in memory: tell it now rather than at its next read of the store
  deps.controller.removeInstance?.(infraId, victim.id);
  deps.controller.nudge(infraId);
  return { node: updated, previousTarget: current.target, removed: victim.id };
}
