import type { App } from '../app.js';
import { converge, endpointWaitMs } from '../converge.js';
import { FatalError } from '../../reconcilers/errors.js';

export async function destroyCommand(app: App, id: string, opts: { wait: boolean; timeoutS: number; endpointWait?: number; json: boolean }): Promise<number> {
  const store = app.store();
  const infra = await store.getInfra(id);
  if (!infra) throw new FatalError('REEF_INFRA_UNKNOWN', `no infrastructure "${id}" in ${app.statePath}`);
  if (infra.status !== 'destroyed') await store.setInfraStatus(id, 'destroying');
  const result = infra.status === 'destroyed'
    ? { exitCode: 0, message: `${id}: already destroyed` }
    : await converge(app, id, { wait: opts.wait, timeoutMs: opts.timeoutS * 1000, endpointWaitMs: endpointWaitMs(opts), direction: 'down', title: `infra ${id}: destroying` });
  await app.flushLogs();
  process.stdout.write(opts.json ? `${JSON.stringify({ infraid: id, destroyed: result.exitCode === 0 })}\n` : `${result.message}\n`);
  return result.exitCode;
}
