import { resolve } from 'node:path';
import type { App } from '../app.js';
import { loadSpec, type SpecArgs } from '../spec-input.js';
import { converge, endpointWaitMs } from '../converge.js';
import { finalStatusText } from '../progress/final.js';
import { applySpec } from '../../ops/index.js';
import { opsOf } from '../ops-deps.js';

export interface ApplyOptions extends SpecArgs {
  wait: boolean;
  timeoutS: number;
  /** seconds an unanswering cloud endpoint is waited for (with --wait) */
  endpointWait?: number;
  json: boolean;
}

export async function applyCommand(app: App, opts: ApplyOptions): Promise<number> {
  const spec = await loadSpec(app, opts);
  const put = await applySpec(opsOf(app), spec, { authPath: opts.auth ? resolve(opts.auth) : undefined });
  const what = put.created ? 'created' : put.changed ? `updated (generation ${put.infra.generation})` : 'unchanged';
  app.log.info({ infra: spec.id }, `infra ${spec.id}: ${what}`);
  const result = await converge(app, spec.id, { wait: opts.wait, timeoutMs: opts.timeoutS * 1000, endpointWaitMs: endpointWaitMs(opts), title: `infra ${spec.id}: ${what}` });
  await app.flushLogs();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ infraid: spec.id })}\n`);
  } else {
    process.stdout.write(`${result.status ? `${await finalStatusText(app, spec.id)}\n` : ''}${result.message}\n${spec.id}\n`);
  }
  if (result.exitCode !== 0 && opts.json) process.stderr.write(`${result.message}\n`);
  return result.exitCode;
}
