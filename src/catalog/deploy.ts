/**
 * Deploys a catalog entry: compile it for the chosen cloud with the user's values, store it (with the target's
 * auth file, if it has one), set the scaled nodes' counts, and nudge the controller. Shared by `reef deploy`
 * and POST /v1/catalog/{name}/deploy; nothing here talks to a cloud.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../state/store.js';
import { loadAuthFile } from '../schemas/index.js';
import type { CatalogEntry } from './entry.js';
import { compileEntry } from './compile.js';

export interface DeployDeps {
  store: Store;
  controller: { nudge(id: string): void };
  registry: { resourceSchemas(): Record<string, object> };
}

export interface DeployRequest {
  entry: CatalogEntry;
  cloud: string;
  values: Record<string, unknown>;
  id?: string;
  /** an auth file the operator named for this target; re-read by the controller, never shown */
  authPath?: string;
  /** instead of authPath: the auth file to store, made for the infra's id (reef serve pins the target's entry) */
  authPathFor?: (infraId: string) => string;
  /** names the input in error messages */
  where: string;
  /** without an id: pick a fresh one when the entry's name is taken (the web page), instead of updating it (the CLI) */
  freshId?: boolean;
}

export interface DeployResult {
  infraId: string;
  created: boolean;
  changed: boolean;
  scales: Record<string, number>;
}

export async function deployEntry(deps: DeployDeps, req: DeployRequest): Promise<DeployResult> {
  const compiled = compileEntry(req.entry, req.cloud, req.values, { resourceSchemas: deps.registry.resourceSchemas(), where: req.where, id: req.id });
  let spec = compiled.spec;
  if (req.id === undefined && req.freshId && (await deps.store.getInfra(spec.id))) {
    spec = { ...spec, id: `${spec.id.slice(0, 54)}-${randomBytes(4).toString('hex')}` };
  }
  if (req.authPath) loadAuthFile(req.authPath); // a bad auth file changes nothing
  const authPath = req.authPathFor ? req.authPathFor(spec.id) : req.authPath;
  const put = await deps.store.putInfra(spec, { authPath });
  for (const [node, count] of Object.entries(compiled.scales)) await deps.store.setTarget(spec.id, node, count);
  for (const n of await deps.store.getNodes(spec.id)) if (n.failedReason) await deps.store.setNodeFailed(spec.id, n.name, null);
  deps.controller.nudge(spec.id);
  return { infraId: spec.id, created: put.created, changed: put.changed, scales: compiled.scales };
}
