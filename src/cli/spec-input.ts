/** Turns apply/validate arguments into a compiled spec: node definitions from --nodes or from `reef import`. */
import { resolve } from 'node:path';
import type { App } from './app.js';
import type { InfraSpec, Strategy } from '../spec/types.js';
import { compileInfra, loadAuthFile } from '../schemas/index.js';

export interface SpecArgs {
  infraFile: string;
  nodes?: string;
  auth?: string;
  id?: string;
  strategy?: Strategy;
}

export async function loadSpec(app: App, args: SpecArgs): Promise<InfraSpec> {
  const resourceSchemas = app.registry.resourceSchemas();
  const nodeDefs = args.nodes ? undefined : await app.store().getNodeDefs();
  const spec = compileInfra({
    infraFile: resolve(args.infraFile),
    nodesFile: args.nodes ? resolve(args.nodes) : undefined,
    nodeDefs,
    id: args.id,
    strategy: args.strategy,
    resourceSchemas,
  });
  if (args.auth) loadAuthFile(resolve(args.auth)); // validate now: a bad auth file must change nothing
  return spec;
}
