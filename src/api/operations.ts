/**
 * The API's side of the operations: a description given as YAML text becomes a spec here (an HTTP concern: the
 * body has no file name, imports are refused); everything else is the operations layer's (src/ops/), shared with
 * the CLI.
 */
import { randomBytes } from 'node:crypto';
import type { PutInfraResult } from '../state/store.js';
import type { Strategy } from '../spec/types.js';
import { compileInfra } from '../schemas/index.js';
import { applySpec, type OpsDeps, type ScaleInput } from '../ops/index.js';
import { REQUEST_BODY, REQUEST_BODY_NODES, refuseUnsafeYaml } from './yaml-body.js';
import { NO_AUTH_FILES, allowedAuthPath, type AuthPolicy } from './auth-policy.js';
import { entriesNamed, entriesOf, writeClientAuth } from './api-credentials.js';
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
  /** names of auth entries the operator provided (reef serve --auth FILE); their secrets never leave the server */
  auth?: string | string[];
  /** older form: one of the operator's auth files (--auth, or in <state dir>/auth/), all its entries */
  authPath?: string;
}

export async function applyText(deps: CoreDeps, input: ApplyInput): Promise<PutInfraResult> {
  const access = clientAccess(deps);
  refuseUnsafeYaml(input.infra, REQUEST_BODY, access.anyFiles);
  if (input.nodes !== undefined) refuseUnsafeYaml(input.nodes, REQUEST_BODY_NODES, access.anyFiles);
  const policy = deps.authPolicy ?? NO_AUTH_FILES;
  if (input.auth !== undefined && input.authPath !== undefined) throw apiError.badRequest('give "auth" (entry names) or "authPath", not both');
  // read and checked before anything changes; written as the infra's pinned auth file once the request is valid
  const credentials = input.auth !== undefined ? entriesNamed(policy, [input.auth].flat())
    : input.authPath !== undefined ? entriesOf(allowedAuthPath(policy, input.authPath)) : undefined;
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
  return applySpec(deps, spec, { authPath: credentials && writeClientAuth(policy, spec.id, credentials) });
}

export function requireScaleInput(input: ScaleInput): void {
  const given = [input.to, input.by].filter((v) => v !== undefined).length;
  if (given > 1) throw apiError.badRequest('give "to" or "by", not both');
  if (given === 0 && input.instance === undefined) throw apiError.badRequest('give one of "to", "by" or "instance"');
}
