/**
 * The API's side of the operations: a description given as YAML text becomes a spec here (an HTTP concern: the
 * body has no file name, imports are refused); everything else is the operations layer's (src/ops/), shared with
 * the CLI.
 */
import { randomBytes } from 'node:crypto';
import type { PutInfraResult } from '../state/store.js';
import type { Strategy } from '../spec/types.js';
import { SpecError, compileInfra, loadAuthFile } from '../schemas/index.js';
import { FatalError, isReefError } from '../errors/index.js';
import { applySpec, type OpsDeps, type ScaleInput } from '../ops/index.js';
import { REQUEST_BODY, REQUEST_BODY_NODES, refuseUnsafeYaml } from './yaml-body.js';
import { NO_AUTH_FILES, allowedAuthPath, withoutContent, type AuthPolicy } from './auth-policy.js';
import { apiError } from './errors.js';
import { NO_HOST_ACCESS, checkDefsHostReferences, checkSpecHostReferences } from './host-access-check.js';
import type { HostAccess } from '../util/host-access.js';

/** A client's reach into the server: what the operator allowed, nothing by default. */
export const clientAccess = (deps: { access?: HostAccess }): HostAccess => deps.access ?? NO_HOST_ACCESS;
export { checkDefsHostReferences };

export { destroyInfra, requireNodes, scaleNode, unknownInfra, type ScaleInput } from '../ops/index.js';

/**
 * the operations' deps (shared with the catalog's deploy), plus which auth files a client may name (default: none)
 * and which of the server's files and URLs a client's descriptor may name (default: none)
 */
export type CoreDeps = OpsDeps & { authPolicy?: AuthPolicy; access?: HostAccess };

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
  const access = clientAccess(deps);
  refuseUnsafeYaml(input.infra, REQUEST_BODY, access.anyFiles);
  if (input.nodes !== undefined) refuseUnsafeYaml(input.nodes, REQUEST_BODY_NODES, access.anyFiles);
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
    access,
  });
  checkSpecHostReferences(access, spec);
  if (input.id === undefined && (spec.id === '' || (await deps.store.getInfra(spec.id)))) {
    // Occopus's POST always creates a new infrastructure: keep the name, make the id unique
    spec = { ...spec, id: `${(spec.name || 'infra').slice(0, 54)}-${randomBytes(4).toString('hex')}` };
  }
  return applySpec(deps, spec, { authPath });
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

export function requireScaleInput(input: ScaleInput): void {
  const given = [input.to, input.by].filter((v) => v !== undefined).length;
  if (given > 1) throw apiError.badRequest('give "to" or "by", not both');
  if (given === 0 && input.instance === undefined) throw apiError.badRequest('give one of "to", "by" or "instance"');
}
