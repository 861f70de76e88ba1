/** `reef catalog`: the ready-made infrastructures `reef deploy` and the web page offer. */
import type { App } from '../app.js';
import { EXIT } from '../exit.js';
import { table } from '../render.js';
import { builtinCatalogDir, entryView, loadCatalog, type Catalog } from '../../catalog/index.js';

export function openCatalog(app: App, extraDirs: string[]): Catalog {
  return loadCatalog([builtinCatalogDir(), ...extraDirs], app.registry.resourceSchemas());
}

export async function catalogCommand(app: App, opts: { catalog: string[]; json: boolean }): Promise<number> {
  const entries = openCatalog(app, opts.catalog).entries.map(entryView);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ entries })}\n`);
    return EXIT.ok;
  }
  const rows = entries.map((e) => [e.name, e.title, e.clouds.join(','), e.size.instances,
    Object.entries(e.variables).map(([k, v]) => `${k}=${v.default}`).join(' ') || '-']);
  process.stdout.write(`${entries.length ? table(['NAME', 'TITLE', 'CLOUDS', 'INSTANCES', 'VARIABLES (defaults)'], rows) : 'the catalog is empty'}\n`);
  return EXIT.ok;
}
