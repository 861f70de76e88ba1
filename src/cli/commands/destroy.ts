import type { App } from '../app.js';
import { converge, endpointWaitMs } from '../converge.js';
import { destroyInfra } from '../../ops/index.js';
import { opsOf } from '../ops-deps.js';

export async function destroyCommand(app: App, id: string, opts: { wait: boolean; timeoutS: number; endpointWait?: number; json: boolean }): Promise<number> {
  const status = await destroyInfra(opsOf(app), id);
  const result = status === 'destroyed'
    ? { exitCode: 0, message: `${id}: already destroyed` }
    : await converge(app, id, { wait: opts.wait, timeoutMs: opts.timeoutS * 1000, endpointWaitMs: endpointWaitMs(opts), direction: 'down', title: `infra ${id}: destroying` });
  await app.flushLogs();
  process.stdout.write(opts.json ? `${JSON.stringify({ infraid: id, destroyed: result.exitCode === 0 })}\n` : `${result.message}\n`);
  return result.exitCode;
}
