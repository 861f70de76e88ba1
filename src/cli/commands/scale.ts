import type { App } from '../app.js';
import { converge, endpointWaitMs } from '../converge.js';
import { UsageError } from '../exit.js';
import { FatalError } from '../../reconcilers/errors.js';
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
  const store = app.store();
  const nodes = await store.getNodes(id);
  if (!(await store.getInfra(id))) throw new FatalError('REEF_INFRA_UNKNOWN', `no infrastructure "${id}" in ${app.statePath}`);
  const current = nodes.find((n) => n.name === node);
  if (!current) throw new FatalError('REEF_SCALE_UNKNOWN_NODE', `infra ${id} has no node "${node}" (nodes: ${nodes.map((n) => n.name).join(', ')})`);

  let target = opts.to ?? current.target + (opts.by ?? (opts.instance ? -1 : 0));
  if (opts.instance) {
    const victim = (await store.listInstances(id)).find((i) => i.node === node && !i.destroyReason && (i.id === opts.instance || i.addresses.ip === opts.instance || i.addresses.privateIp === opts.instance));
    if (!victim) throw new FatalError('REEF_INSTANCE_UNKNOWN', `node ${node} has no live instance with id or address "${opts.instance}"`);
    if (opts.to === undefined && opts.by === undefined) target = current.target - 1;
    await store.setTarget(id, node, target); // refuses an out-of-range target before anything is marked
    await store.updateInstance(victim.id, { destroyReason: 'scale-down' });
  } else {
    await store.setTarget(id, node, target);
  }
  app.log.info({ infra: id, node }, `${node}: target ${current.target} → ${target}`);
  const result = await converge(app, id, { wait: opts.wait, timeoutMs: opts.timeoutS * 1000, endpointWaitMs: endpointWaitMs(opts), title: `${id}: ${node} target ${current.target} → ${target}` });
  await app.flushLogs();
  if (opts.json) process.stdout.write(`${JSON.stringify({ infraid: id, node, target })}\n`);
  else {
    process.stdout.write(`${result.status ? `${await finalStatusText(app, id)}\n` : ''}${result.message}\n`);
  }
  return result.exitCode;
}
