import { resolve } from 'node:path';
import type { App } from '../app.js';
import { loadNodeDefs } from '../../schemas/index.js';
import { EXIT } from '../exit.js';
import { importNodeDefs } from '../../ops/index.js';
import { opsOf } from '../ops-deps.js';

export async function importCommand(app: App, file: string, json: boolean): Promise<number> {
  const defs = loadNodeDefs(resolve(file), app.registry.resourceSchemas());
  const types = await importNodeDefs(opsOf(app), defs);
  process.stdout.write(json ? `${JSON.stringify({ imported: types })}\n` : `imported node definitions: ${types.join(', ')}\n`);
  return EXIT.ok;
}
