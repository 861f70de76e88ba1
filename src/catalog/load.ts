/**
 * Reads catalog folders: every sub-folder holding a `catalog.yaml` is an entry named after the folder. Each
 * entry is checked in full when loaded (its schema, its files, and its infra compiled for every cloud it names
 * with the default values), so a broken entry is a one-line error at start-up rather than at a user's click.
 * A later folder's entry replaces an earlier one of the same name (an operator's own over the shipped ones).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYamlFile, SpecError, type Diagnostic } from '../schemas/index.js';
import { throwIfAny } from '../schemas/diagnostics.js';
import { validateAt } from '../schemas/validate.js';
import { entrySchema, ENTRY_NAME_PATTERN } from './entry.schema.js';
import type { CatalogEntry, CatalogVariable } from './entry.js';
import { checkValue } from './inputs.js';
import { compileEntry } from './compile.js';

export const ENTRY_FILE = 'catalog.yaml';

/** The catalog reef ships: the examples folder of this checkout or package. */
export function builtinCatalogDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../examples').replace(/([\\/])dist\1examples$/, '$1examples');
}

export class Catalog {
  constructor(readonly entries: CatalogEntry[]) {}

  get(name: string): CatalogEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** the entry, or a one-line error listing what exists */
  require(name: string): CatalogEntry {
    const e = this.get(name);
    if (!e) throw new SpecError([{ file: '<catalog>', line: 0, col: 0, message: `no catalog entry "${name}" (entries: ${this.entries.map((x) => x.name).join(', ') || 'none'})`, path: '' }]);
    return e;
  }
}

export function loadCatalog(dirs: string[], resourceSchemas: Record<string, object>): Catalog {
  const byName = new Map<string, CatalogEntry>();
  for (const dir of dirs) {
    const root = resolve(dir);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new SpecError([{ file: root, line: 0, col: 0, message: 'catalog folder: no such directory', path: '' }]);
    }
    for (const name of readdirSync(root).sort()) {
      const file = join(root, name, ENTRY_FILE);
      if (!existsSync(file)) continue;
      byName.set(name, loadEntry(name, file, resourceSchemas));
    }
  }
  return new Catalog([...byName.values()].sort((a, b) => a.name.localeCompare(b.name)));
}

export function loadEntry(name: string, file: string, resourceSchemas: Record<string, object>): CatalogEntry {
  const doc = loadYamlFile(file);
  throwIfAny(doc.diagnostics);
  const problems: Diagnostic[] = validateAt(entrySchema, doc.value, doc);
  if (!new RegExp(ENTRY_NAME_PATTERN).test(name)) problems.push({ file, line: 0, col: 0, message: `entry folder name "${name}" is not a valid infra id (1 to 63 of a-z, 0-9, -)`, path: '' });
  throwIfAny(problems);
  const raw = doc.value as {
    title: string; description: string; infra: string; clouds: Record<string, { nodes: string; prepare?: string }>;
    variables?: Record<string, CatalogVariable>; size?: CatalogEntry['size'];
  };
  const here = dirname(file);
  const variables = raw.variables ?? {};
  for (const [key, def] of Object.entries(variables)) {
    const checked = checkValue(def, def.default);
    if ('refused' in checked) problems.push({ ...doc.locate(['variables', key, 'default']), message: `the default ${checked.refused.replace(/^must/, 'does not fit its own rules: it must')}`, path: `variables.${key}.default` });
  }
  const paths = [['infra'], ...Object.keys(raw.clouds).map((c) => ['clouds', c, 'nodes'])];
  for (const p of paths) {
    const rel = p.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], raw) as string;
    if (!existsSync(resolve(here, rel))) problems.push({ ...doc.locate(p), message: `no such file ${rel} beside the entry`, path: p.join('.') });
  }
  throwIfAny(problems);
  const entry: CatalogEntry = {
    name, title: raw.title, description: raw.description, file, infraFile: resolve(here, raw.infra),
    clouds: Object.fromEntries(Object.entries(raw.clouds).map(([c, v]) => [c, { nodesFile: resolve(here, v.nodes), ...(v.prepare ? { prepare: v.prepare } : {}) }])),
    variables, size: raw.size ?? {}, instances: 0, nodes: [],
  };
  // every cloud must compile with the defaults; the first one gives the graph shown to users
  for (const cloud of Object.keys(entry.clouds)) {
    const { spec, scales } = compileEntry(entry, cloud, {}, { resourceSchemas, where: file });
    if (entry.nodes.length === 0) {
      entry.nodes = spec.nodes.map((n) => ({ name: n.name, min: n.min, max: n.max, dependsOn: n.dependsOn }));
      entry.instances = spec.nodes.reduce((sum, n) => sum + (scales[n.name] ?? n.min), 0);
    }
  }
  return entry;
}
