import type { App } from '../app.js';
import { infraListJson, infrasTable, statusTable } from '../render.js';
import { infraSummaries, occopusReport, requireInfra, statusView } from '../../ops/index.js';
import { opsOf } from '../ops-deps.js';
import { EXIT } from '../exit.js';

export async function statusCommand(app: App, id: string | undefined, json: boolean): Promise<number> {
  const store = app.readStore();
  if (!id) {
    const infras = await infraSummaries(store);
    process.stdout.write(`${json ? JSON.stringify(infraListJson(infras)) : infrasTable(infras)}\n`);
    return EXIT.ok;
  }
  const infra = await requireInfra(opsOf(app), id);
  if (json) {
    process.stdout.write(`${JSON.stringify(occopusReport(await store.getNodes(id), await store.listInstances(id)))}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`infra ${id}: ${infra.status}, generation ${infra.generation}\n${await statusText(app, id)}\n`);
  return EXIT.ok;
}

/** The status table of an infra as the store has it (what apply/scale print at the end). */
export async function statusText(app: App, id: string): Promise<string> {
  return statusTable(await statusView(app.readStore(), undefined, id));
}
