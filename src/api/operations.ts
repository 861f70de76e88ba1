/**
 * What the API's routes do to the store, shared by the Occopus routes and /v1: apply a description given as
 * text, scale a node, mark an infra for destruction. Each write nudges the controller so it acts at once.
 * The controller does the rest; nothing here talks to a cloud.
 */
import { randomBytes } from 'node:crypto';
import type { Store, NodeRecord, PutInfraResult } from '../state/store.js';
import type { Strategy } from '../spec/types.js';
import { SpecError, compileInfra, loadAuthFile } from '../schemas/index.js';
import { FatalError, isReefError } from '../reconcilers/errors.js';
import { REQUEST_BODY, REQUEST_BODY_NODES, refuseUnsafeYaml } from './yaml-body.js';
import { NO_AUTH_FILES, allowedAuthPath, withoutContent, type AuthPolicy } from './auth-policy.js';
import { apiError } from './errors.js';

export interface CoreDeps {
  store: Store;
  /** removeInstance: when this process reconciles the infra, its runtime must be told (it owns the instances) */
  controller: { nudge(id: string): void; removeInstance?(infraId: string, instanceId: string): boolean };
  registry: { resourceSchemas(): Record<string, object> };
  /** the auth files a client may name (default: none) */
  authPolicy?: AuthPolicy;
}

export interface ApplyInput {
  infra: string;
  nodes?: string;
  /** fixed id (PUT /v1/infras/{id}); without it, infra_name, or a fresh id if that one is taken (Occopus POST) */
  id?: string;
  strategy?: Strategy;
  /** an auth file on the server's disk, re-read by the controller; its contents never leave the server */
  authPath?: string;
}

export async function applyText(deps: CoreDeps, input: ApplyInput): Promise<PutInfraResult> {
  refuseUnsafeYaml(input.infra, REQUEST_BODY);
  if (input.nodes !== undefined) refuseUnsafeYaml(input.nodes, REQUEST_BODY_NODES);
  const authPath = input.authPath === undefined ? undefined : allowedAuthPath(deps.authPolicy ?? NO_AUTH_FILES, input.authPath);
  if (authPath) checkAuthFile(authPath); // a bad auth file changes nothing
  let spec = compileInfra({
    infraFile: REQUEST_BODY,
    infraText: input.infra,
    ...(input.nodes !== undefined ? { nodesText: input.nodes, nodesFile: REQUEST_BODY_NODES } : {}),
    nodeDefs: await deps.store.getNodeDefs(),
    id: input.id,
    strategy: input.strategy,
    resourceSchemas: deps.registry.resourceSchemas(),
  });
  if (input.id === undefined && (spec.id === '' || (await deps.store.getInfra(spec.id)))) {
    // Occopus's POST always creates a new infrastructure: keep the name, make the id unique
    spec = { ...spec, id: `${(spec.name || 'infra').slice(0, 54)}-${randomBytes(4).toString('hex')}` };
  }
  const put = await deps.store.putInfra(spec, { authPath });
  // a re-apply is also how a user says "try again" after a node gave up (as `reef apply`)
  for (const n of await deps.store.getNodes(spec.id)) if (n.failedReason) await deps.store.setNodeFailed(spec.id, n.name, null);
  deps.controller.nudge(spec.id);
  return put;
}

function checkAuthFile(path: string): void {
  try {
    loadAuthFile(path);
  } catch (e) {
    if (e instanceof SpecError) throw withoutContent(e); // positions only: messages could quote the file
    if (isReefError(e)) throw e;
    throw apiError.badRequest(`cannot read the auth file ${path} on the server: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

export interface ScaleInput {
  to?: number;
  by?: number;
  /** instance id or address to remove; alone it means "one fewer" */
  instance?: string;
}

export async function scaleNode(deps: CoreDeps, infraId: string, node: string, input: ScaleInput): Promise<{ node: NodeRecord; removed?: string }> {
  const { store } = deps;
  const nodes = await requireNodes(deps, infraId);
  const current = nodes.find((n) => n.name === node);
  if (!current) throw new FatalError('REEF_SCALE_UNKNOWN_NODE', `infra ${infraId} has no node "${node}" (nodes: ${nodes.map((n) => n.name).join(', ')})`);
  const target = input.to ?? current.target + (input.by ?? (input.instance !== undefined ? -1 : 0));
  let removed: string | undefined;
  if (input.instance !== undefined) {
    const victim = (await store.listInstances(infraId)).find((i) => i.node === node && !i.destroyReason &&
      (i.id === input.instance || i.addresses.ip === input.instance || i.addresses.privateIp === input.instance));
    if (!victim) throw new FatalError('REEF_INSTANCE_UNKNOWN', `node ${node} has no live instance with id or address "${input.instance}"`);
    // out of range: the store's own refusal, before anything is marked
    if (target < current.min || target > current.max) await store.setTarget(infraId, node, target);
    // mark the victim first, so a tick between the two writes cannot pick another one to scale down
    if (!deps.controller.removeInstance?.(infraId, victim.id)) await store.updateInstance(victim.id, { destroyReason: 'scale-down' });
    const updated = await store.setTarget(infraId, node, target);
    removed = victim.id;
    deps.controller.nudge(infraId);
    return { node: updated, removed };
  }
  const updated = await store.setTarget(infraId, node, target);
  deps.controller.nudge(infraId);
  return { node: updated };
}

export async function destroyInfra(deps: CoreDeps, infraId: string): Promise<'destroying' | 'destroyed'> {
  const infra = await deps.store.getInfra(infraId);
  if (!infra) throw unknownInfra(infraId);
  if (infra.status === 'destroyed') return 'destroyed';
  await deps.store.setInfraStatus(infraId, 'destroying');
  deps.controller.nudge(infraId);
  return 'destroying';
}

export async function requireNodes(deps: CoreDeps, infraId: string): Promise<NodeRecord[]> {
  if (!(await deps.store.getInfra(infraId))) throw unknownInfra(infraId);
  return deps.store.getNodes(infraId);
}

export function unknownInfra(id: string): FatalError {
  return new FatalError('REEF_INFRA_UNKNOWN', `no infrastructure "${id}"`);
}

export function requireScaleInput(input: ScaleInput): void {
  const given = [input.to, input.by].filter((v) => v !== undefined).length;
  if (given > 1) throw apiError.badRequest('give "to" or "by", not both');
  if (given === 0 && input.instance === undefined) throw apiError.badRequest('give one of "to", "by" or "instance"');
}
