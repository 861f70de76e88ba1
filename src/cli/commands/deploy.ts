/** `reef deploy NAME --cloud C --set K=V … [--id ID] [--wait]`: a catalog entry, reconciled like `reef apply`. */
import { resolve } from 'node:path';
import type { App } from '../app.js';
import { converge, endpointWaitMs } from '../converge.js';
import { finalStatusText } from '../progress/final.js';
import { openCatalog } from './catalog.js';
import { deployEntry, parseSetArgs } from '../../catalog/index.js';
import { throwIfAny } from '../../schemas/diagnostics.js';

export interface DeployOptions {
  cloud: string;
  set: string[];
  id?: string;
  auth?: string;
  catalog: string[];
  wait: boolean;
  timeoutS: number;
  endpointWait?: number;
  json: boolean;
}

export async function deployCommand(app: App, name: string, opts: DeployOptions): Promise<number> {
  const entry = openCatalog(app, opts.catalog).require(name);
  const { values, problems } = parseSetArgs(opts.set, '<command line>');
  throwIfAny(problems);
  const put = await deployEntry({ store: app.store(), controller: { nudge: () => {} }, registry: app.registry }, {
    entry, cloud: opts.cloud, values, id: opts.id, authPath: opts.auth ? resolve(opts.auth) : undefined, where: '<command line>',
  });
  const id = put.infraId;
  const what = `${put.created ? 'created' : put.changed ? 'updated' : 'unchanged'} from catalog entry ${name} on ${opts.cloud}`;
  app.log.info({ infra: id }, `infra ${id}: ${what}`);
  const result = await converge(app, id, { wait: opts.wait, timeoutMs: opts.timeoutS * 1000, endpointWaitMs: endpointWaitMs(opts), title: `infra ${id}: ${what}` });
  await app.flushLogs();
  if (opts.json) process.stdout.write(`${JSON.stringify({ infraid: id })}\n`);
  else process.stdout.write(`${result.status ? `${await finalStatusText(app, id)}\n` : ''}${result.message}\n${id}\n`);
  if (result.exitCode !== 0 && opts.json) process.stderr.write(`${result.message}\n`);
  return result.exitCode;
}
