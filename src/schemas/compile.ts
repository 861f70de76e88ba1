/**
 * Infra description (+ node definitions) → validated InfraSpec, or one SpecError holding every problem found.
 * Load problems of a file (syntax, duplicate keys, imports) stop the checks of that file: the rest would mostly
 * be echoes of them.
 */
import type { Implementation, InfraSpec, NodeSpec, Strategy, Variables } from '../spec/types.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath, throwIfAny, type Diagnostic } from './diagnostics.js';
import { INFRA_NAME_PATTERN, NAME_RULE, infraSchema } from './infra.schema.js';
import { resolveEdges, topoOrder, type GraphNode } from './infra-graph.js';
import type { HostAccess } from '../util/host-access.js';
import { loadYamlFile, loadYamlText, type LoadedDocument } from './load.js';
import { checkNodeDefs, isRecord, type CheckedNodeDefs, type ImplementationOrigin } from './node-defs.js';
import { NODE_DEF_PREFIX } from './nodedef.schema.js';
import { probeTemplates } from './template-probe.js';
import { validateAt } from './validate.js';

export interface CompileOptions {
  /** the description's file; with `infraText`, only its name in diagnostics (e.g. `<request body>`). */
  infraFile: string;
  /** the description as text (a REST body) instead of reading infraFile. */
  infraText?: string;
  nodesFile?: string;
  /** node definitions as text (a REST body); `nodesFile` names them in diagnostics (default `<request body: nodes>`). */
  nodesText?: string;
  /** node definitions already imported (`reef import`); the nodes file's win on the same type. */
  nodeDefs?: Record<string, Implementation[]>;
  id?: string;
  /** default 'parallel' (Occopus's default was serial). */
  strategy?: Strategy;
  resourceSchemas: Record<string, object>;
  /** what imports in infraText/nodesText may read (reef serve: --allow-files); absent: anything the user can read */
  access?: HostAccess;
  /** ceiling of a node's scaling min/max (default: maxInstancesPerNode()). */
  maxInstancesPerNode?: number;
}

export const DEFAULT_MAX_INSTANCES_PER_NODE = 10_000;

/** The ceiling of scaling counts: REEF_MAX_INSTANCES_PER_NODE when set to a positive integer, else 10,000. */
export function maxInstancesPerNode(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.REEF_MAX_INSTANCES_PER_NODE;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_INSTANCES_PER_NODE;
}

export function compileInfra(opts: CompileOptions): InfraSpec {
  const diagnostics: Diagnostic[] = [];
  if (opts.id !== undefined && !new RegExp(INFRA_NAME_PATTERN).test(opts.id)) {
    diagnostics.push({ file: '<command line>', line: 0, col: 0, message: `invalid --id ${JSON.stringify(opts.id)}: ${NAME_RULE}`, path: '' });
  }
  const nodesDoc = opts.nodesText !== undefined
    ? loadYamlText(opts.nodesText, opts.nodesFile ?? '<request body: nodes>', { access: opts.access })
    : opts.nodesFile === undefined ? undefined : loadYamlFile(opts.nodesFile);
  const fromFile = nodesDoc === undefined ? undefined : checkNodeDefs(nodesDoc, opts.resourceSchemas);
  if (fromFile !== undefined) diagnostics.push(...fromFile.diagnostics);
  const doc = opts.infraText !== undefined ? loadYamlText(opts.infraText, opts.infraFile, { access: opts.access }) : loadYamlFile(opts.infraFile);
  diagnostics.push(...doc.diagnostics);
  if (doc.diagnostics.length > 0) throwIfAny(diagnostics);
  diagnostics.push(...validateAt(infraSchema, doc.value, doc));
  if (!isRecord(doc.value) || !Array.isArray(doc.value.nodes)) throwIfAny(diagnostics);
  const infra = doc.value as Record<string, unknown> & { nodes: unknown[] };
  const spec = buildSpec(infra, doc, opts, catalogue(opts.nodeDefs ?? {}, fromFile), diagnostics);
  throwIfAny(diagnostics);
  return spec;
}

interface Catalogue {
  defs: Record<string, Implementation[]>;
  origins: Record<string, Array<ImplementationOrigin | { raw: Record<string, unknown>; path: Array<string | number> }>>;
  broken: Set<string>;
}

function catalogue(imported: Record<string, Implementation[]>, fromFile: CheckedNodeDefs | undefined): Catalogue {
  const origins: Catalogue['origins'] = {};
  for (const [type, impls] of Object.entries(imported)) {
    origins[type] = impls.map((impl, i) => ({ raw: impl as unknown as Record<string, unknown>, path: [`${NODE_DEF_PREFIX}${type}`, i] }));
  }
  return {
    defs: { ...imported, ...fromFile?.defs },
    origins: { ...origins, ...fromFile?.origins },
    broken: fromFile?.broken ?? new Set(),
  };
}

function buildSpec(
  infra: Record<string, unknown> & { nodes: unknown[] },
  doc: LoadedDocument,
  opts: CompileOptions,
  cat: Catalogue,
  out: Diagnostic[],
): InfraSpec {
  const at = (path: Array<string | number>, message: string): void => void out.push({ ...doc.locate(path), message, path: formatPath(path) });
  const infraVariables = isRecord(infra.variables) ? infra.variables : {};
  const graph: GraphNode[] = [];
  const specs: NodeSpec[] = [];
  const firstLine = new Map<string, number>();
  infra.nodes.forEach((raw, i) => {
    const node = isRecord(raw) ? raw : {};
    const name = typeof node.name === 'string' ? node.name : `#${i}`;
    if (typeof node.name === 'string') {
      const first = firstLine.get(name);
      if (first !== undefined) at(['nodes', i, 'name'], `duplicate node name "${name}" (first defined at line ${first})`);
      else firstLine.set(name, doc.locate(['nodes', i, 'name']).line);
    }
    graph.push({ name, raw });
    const { min, max } = scalingOf(node.scaling, i, at, opts.maxInstancesPerNode ?? maxInstancesPerNode());
    specs.push({
      name,
      type: typeof node.type === 'string' ? node.type : '',
      min,
      max,
      variables: deepMerge(infraVariables, isRecord(node.variables) ? node.variables : {}),
      dependsOn: [],
      ...(isRecord(node.filter) ? { filter: node.filter } : {}),
      implementations: [],
    });
  });
  const edges = resolveEdges(graph, infra.dependencies, doc, out);
  for (const e of edges) if (!specs[e.from].dependsOn.includes(specs[e.to].name)) specs[e.from].dependsOn.push(specs[e.to].name);
  const order = topoOrder(specs.length, edges, specs.map((s) => s.name), doc, out);
  const spec: InfraSpec = {
    id: opts.id ?? (typeof infra.infra_name === 'string' ? infra.infra_name : ''),
    name: typeof infra.infra_name === 'string' ? infra.infra_name : '',
    ...(infra.user_id !== undefined && infra.user_id !== null ? { userId: String(infra.user_id) } : {}),
    variables: infraVariables,
    nodes: order.map((i) => specs[i]),
    strategy: opts.strategy ?? 'parallel',
    source: { infraFile: opts.infraFile, ...(opts.nodesFile !== undefined ? { nodesFile: opts.nodesFile } : {}) },
  };
  specs.forEach((node, i) => chooseImplementations(spec, node, i, cat, doc, at, out));
  return spec;
}

/** Occopus: min defaults to 1, max to min. reef: min 0 is allowed, and an explicit min > max is an error. */
function scalingOf(raw: unknown, i: number, at: (p: Array<string | number>, m: string) => void, ceiling: number): { min: number; max: number } {
  const s = isRecord(raw) ? raw : {};
  for (const key of ['min', 'max'] as const) {
    const v = s[key];
    // the schema's "integer" lets .inf and 1e308 through (they are integers to JavaScript)
    if (typeof v !== 'number') continue;
    if (!Number.isFinite(v)) at(['nodes', i, 'scaling', key], `scaling ${key} must be a finite integer, got ${String(v)}`);
    else if (v > ceiling) at(['nodes', i, 'scaling', key], `scaling ${key} (${v}) is above the ceiling of ${ceiling} instances per node (REEF_MAX_INSTANCES_PER_NODE)`);
  }
  const valid = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= ceiling;
  const max = valid(s.max) ? s.max : undefined;
  const min = valid(s.min) ? s.min : Math.min(1, max ?? 1);
  if (max !== undefined && valid(s.min) && min > max) at(['nodes', i, 'scaling'], `scaling min (${min}) is greater than max (${max})`);
  return { min, max: max ?? min };
}

function chooseImplementations(
  spec: InfraSpec,
  node: NodeSpec,
  i: number,
  cat: Catalogue,
  doc: LoadedDocument,
  at: (p: Array<string | number>, m: string) => void,
  out: Diagnostic[],
): void {
  if (node.type === '') return;
  const impls = cat.defs[node.type];
  if (impls === undefined) {
    const known = Object.keys(cat.defs);
    const hint = known.length === 0 ? ' (no node definitions loaded: give a nodes file or import one)' : didYouMean(node.type, known);
    at(['nodes', i, 'type'], `unknown node type "${node.type}"${hint}`);
    return;
  }
  if (cat.broken.has(node.type)) return;
  const chosen = impls.map((impl, k) => ({ impl, origin: cat.origins[node.type][k] })).filter(({ impl }) => matchesFilter(impl, node.filter));
  if (chosen.length === 0) {
    at(['nodes', i, 'filter'], `no implementation of node type "${node.type}" matches filter ${JSON.stringify(node.filter)}`);
    return;
  }
  node.implementations = chosen.map((c) => c.impl);
  out.push(...probeTemplates(spec, node, chosen.map((c) => c.origin), doc.locate(['nodes', i, 'type'])));
}

/** Occopus's subset match: every filter key equals the resource section's value (deeply). */
export function matchesFilter(impl: Implementation, filter: Record<string, unknown> | undefined): boolean {
  if (filter === undefined) return true;
  return Object.entries(filter).every(([k, v]) => deepEqual(impl.resource[k], v));
}

/** Nested mappings are merged; anything else (lists included) from `over` replaces `base`. */
export function deepMerge(base: Variables, over: Variables): Variables {
  const out: Variables = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
