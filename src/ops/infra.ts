/** Apply, destroy, and the "which infra" checks every surface shares. Nothing here talks to a cloud. */
import type { NodeRecord, PutInfraResult } from '../state/store.js';
import type { InfraSpec } from '../spec/types.js';
import { FatalError } from '../errors/index.js';
import type { OpsDeps } from './deps.js';

/**
 * Stores a compiled spec as the infra's desired state and wakes its controller. A re-apply is also how a person
 * says "try again" after a node gave up, so failed nodes are cleared.
 */
export async function applySpec(deps: OpsDeps, spec: InfraSpec, opts: { authPath?: string } = {}): Promise<PutInfraResult> {
  const put = await deps.store.putInfra(spec, { authPath: opts.authPath });
  for (const n of await deps.store.getNodes(spec.id)) if (n.failedReason) await deps.store.setNodeFailed(spec.id, n.name, null);
  deps.controller.nudge(spec.id);
  return put;
}

/** 'destroyed' when there was nothing left to do; otherwise the infra is marked and its controller does the rest. */
export async function destroyInfra(deps: OpsDeps, infraId: string, where?: string): Promise<'destroying' | 'destroyed'> {
  const infra = await deps.store.getInfra(infraId);
  if (!infra) throw unknownInfra(infraId, where);
  if (infra.status === 'destroyed') return 'destroyed';
  await deps.store.setInfraStatus(infraId, 'destroying');
  deps.controller.nudge(infraId);
  return 'destroying';
}

export async function requireInfra(deps: Pick<OpsDeps, 'store'>, infraId: string, where?: string) {
  const infra = await deps.store.getInfra(infraId);
  if (!infra) throw unknownInfra(infraId, where);
  return infra;
}

export async function requireNodes(deps: Pick<OpsDeps, 'store'>, infraId: string, where?: string): Promise<NodeRecord[]> {
  await requireInfra(deps, infraId, where);
  return deps.store.getNodes(infraId);
}

/** `where`: the store's path, for a CLI user who may be looking at the wrong one */
export function unknownInfra(id: string, where?: string): FatalError {
  return new FatalError('REEF_INFRA_UNKNOWN', `no infrastructure "${id}"${where ? ` in ${where}` : ''}`);
}
