/**
 * The import graph of src/ keeps its layers: a folder imports only folders below it (the list below, top first),
 * and no two files import each other in a cycle. The known exceptions are listed with their reason; a new upward
 * edge fails here instead of growing silently. (Test files are not part of the graph.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const LAYERS: string[][] = [
  ['build'], // build-time steps (`npm run build`): gather what every layer declares, e.g. schemas to precompile
  ['cli'], // the command line: composes everything, starts the API for `reef serve`
  ['api'], // HTTP surface: parses requests, calls ops, shapes JSON
  ['catalog'], // catalog entries → specs, used by both surfaces
  ['ops'], // what a person can ask of reef, written once
  ['controller'], // reconciliation: leases, runtimes, plan, instance machines
  ['conformance', 'sdk'], // the driver contract's shared checks and the types a plugin imports
  ['reconcilers'], // drivers, health checks, contextualisation, config managers
  ['schemas'], // descriptors → validated specs, templates
  ['state'], // the store
  ['spec'], // the spec's types
  ['errors', 'util'], // the kernel: imports nothing above
];

/** upward edges that stay for now, each with why (file → imported file, relative to src/) */
const KNOWN_UPWARD: Record<string, string> = {
  'schemas/nodedef.schema.ts → reconcilers/config/schema.ts': 'config managers own their section schemas; the node-definition schema embeds them (to be injected like resource schemas)',
  'schemas/template-probe.ts → reconcilers/config/template-scope.ts': 'which config_management strings are templates is the config managers\' knowledge',
  'state/store.ts → reconcilers/driver.ts': 'type-only: ResourceRef and Addresses are persisted on instance rows (they belong in spec/; the driver contract is being rewritten this round)',
};

const SRC = join(ROOT, 'src');
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : /\.ts$/.test(f) && !/\.test\.ts$/.test(f) ? [p] : [];
});
const graph = new Map<string, string[]>();
for (const file of files(SRC)) {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gm), ...text.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)]
    .map((m) => relative(SRC, normalize(join(dirname(file), m[1].replace(/\.js$/, '.ts')))));
  graph.set(relative(SRC, file), targets);
}
const layerOf = (f: string) => LAYERS.findIndex((l) => l.includes(f.split('/')[0]));

describe('the import graph of src/', () => {
  it('every top-level folder has a layer', () => {
    const folders = new Set([...graph.keys()].filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
    expect([...folders].filter((f) => layerOf(`${f}/x`) < 0)).toEqual([]);
  });

  it('no folder imports a folder above it (but the listed exceptions)', () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        if (!from.includes('/') || !to.includes('/')) continue;
        if (layerOf(to) < layerOf(from)) upward.push(`${from} → ${to}`);
      }
    }
    expect(upward.filter((e) => !(e in KNOWN_UPWARD)).sort()).toEqual([]);
    // an exception that no longer exists is taken off the list
    expect(Object.keys(KNOWN_UPWARD).filter((e) => !upward.includes(e))).toEqual([]);
  });

  it('the API does not import the CLI', () => {
    const edges = [...graph].flatMap(([from, ts]) => ts.filter((t) => from.startsWith('api/') && t.startsWith('cli/')).map((t) => `${from} → ${t}`));
    expect(edges).toEqual([]);
  });

  it('no file-level import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
