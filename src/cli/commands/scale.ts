import type { App } from '../app.js';
import { converge, endpointWaitMs } from '../converge.js';
import { UsageError } from '../exit.js';
import { scaleNode } from '../../ops/index.js';
import { opsOf } from '../ops-deps.js';
import { finalStatusText } from '../progress/final.js';

export interface ScaleOptions {
  to?: number;
  by?: number;
  instance?: string;
  wait: boolean;
  timeoutS: number;
  /** seconds an unanswering cloud endpoint is waited for (with --wait) */
  endpointWait?: number;
  json: boolean;
}

export async function scaleCommand(app: App, id: string, node: string, opts: ScaleOptions): Promise<number> {
  if ((opts.to !== undefined) === (opts.by !== undefined) && !opts.instance) throw new UsageError('give exactly one of --to N or --by ±N (or --instance ID)');
  if (opts.to !== undefined && opts.by !== undefined) throw new UsageError('give --to or --by, not both');
  const { node: updated, previousTarget } = await scaleNode(opsOf(app), id, node, opts);
  const target = updated.target;
  app.log.info({ infra: id, node }, `${node}: target ${previousTarget} → ${target}`);
  const result = await converge(app, id, { wait: opts.wait, timeoutMs: opts.timeoutS * 1000, endpointWaitMs: endpointWaitMs(opts), title: `${id}: ${node} target ${previousTarget} → ${target}` });
  await app.flushLogs();
  if (opts.json) process.stdout.write(`${JSON.stringify({ infraid: id, node, target })}\n`);
  else {
    process.stdout.write(`${result.status ? `${await finalStatusText(app, id)}\n` : ''}${result.message}\n`);
  }
  return result.exitCode;
}
