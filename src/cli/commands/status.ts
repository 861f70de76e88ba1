import type { App } from '../app.js';
import { addressOf, age, infraRows, occopusReport, table } from '../render.js';
import { EXIT } from '../exit.js';
import { FatalError } from '../../reconcilers/errors.js';

export async function statusCommand(app: App, id: string | undefined, json: boolean): Promise<number> {
  const store = app.store();
  if (!id) {
    const infras = await store.listInfras();
    const counts = new Map<string, { ready: number; total: number }>();
    for (const i of infras) {
      const inst = (await store.listInstances(i.id)).filter((x) => !x.destroyReason);
      counts.set(i.id, { ready: inst.filter((x) => x.state === 'ready').length, total: inst.length });
    }
    if (json) process.stdout.write(`${JSON.stringify({ infrastructures: infras.map((i) => ({ id: i.id, status: i.status, generation: i.generation, ...counts.get(i.id) })) })}\n`);
    else process.stdout.write(infras.length ? `${table(['INFRA', 'STATUS', 'NODES', 'READY', 'GEN', 'UPDATED'], infraRows(infras, counts))}\n` : 'no infrastructures\n');
    return EXIT.ok;
  }
  const infra = await store.getInfra(id);
  if (!infra) throw new FatalError('REEF_INFRA_UNKNOWN', `no infrastructure "${id}" in ${app.statePath}`);
  if (json) {
    process.stdout.write(`${JSON.stringify(occopusReport(await store.getNodes(id), await store.listInstances(id)))}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`infra ${id}: ${infra.status}, generation ${infra.generation}\n`);
  await printStatusTable(app, id);
  return EXIT.ok;
}

export async function printStatusTable(app: App, id: string): Promise<void> {
  const store = app.store();
  const nodes = await store.getNodes(id);
  const instances = await store.listInstances(id);
  const order = new Map(nodes.map((n, i) => [n.name, i]));
  const rows = instances
    .sort((a, b) => (order.get(a.node) ?? 99) - (order.get(b.node) ?? 99) || a.createdAt - b.createdAt)
    .map((i) => [i.node, i.id, i.destroyReason && i.state !== 'destroying' ? `${i.state} (${i.destroyReason})` : i.state, addressOf(i), age(i.createdAt), i.lastError?.message ?? '']);
  const scaling = nodes.map((n) => `${n.name} ${instances.filter((i) => i.node === n.name && i.state === 'ready' && !i.destroyReason).length}/${n.target} ready [${n.min}..${n.max}]${n.failedReason ? ` FAILED: ${n.failedReason}` : ''}`);
  process.stdout.write(`${table(['NODE', 'INSTANCE', 'STATE', 'ADDRESS', 'AGE', 'LAST ERROR'], rows)}\n${scaling.join('\n')}\n`);
}
