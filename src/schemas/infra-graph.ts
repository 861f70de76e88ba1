/**
 * Dependencies between nodes: resolving `[A, B]` / `{connection: [A, B]}` edges (A depends on B), where A and B
 * are nodes (YAML aliases, compared by identity as Occopus does) or node names (reef: Occopus silently ignored
 * plain names); then cycles and the topological order.
 */
import { didYouMean } from './did-you-mean.js';
import { formatPath, type Diagnostic, type JsonPath } from './diagnostics.js';
import type { LoadedDocument } from './load.js';
import { isRecord } from './node-defs.js';

export interface GraphNode {
  name: string;
  /** the object from the YAML `nodes` list (identity target of aliases). */
  raw: unknown;
}

export interface Edge {
  from: number;
  to: number;
  path: JsonPath;
}

export function resolveEdges(nodes: GraphNode[], dependencies: unknown, doc: LoadedDocument, out: Diagnostic[]): Edge[] {
  if (!Array.isArray(dependencies)) return [];
  const edges: Edge[] = [];
  const names = nodes.map((n) => n.name);
  dependencies.forEach((dep, i) => {
    const base: JsonPath = ['dependencies', i];
    const refsPath: JsonPath = Array.isArray(dep) ? base : [...base, 'connection'];
    const refs = Array.isArray(dep) ? dep : isRecord(dep) ? dep.connection : undefined;
    if (!Array.isArray(refs) || refs.length !== 2) return;
    const ends = refs.map((ref, j) => {
      const index = findNode(nodes, ref);
      const p = [...refsPath, j];
      if (index === undefined && typeof ref === 'string') {
        out.push({ ...doc.locate(p), message: `unknown node "${ref}" in dependency${didYouMean(ref, names)}`, path: formatPath(p) });
      } else if (index === undefined && isRecord(ref)) {
        out.push({ ...doc.locate(p), message: 'dependency does not refer to a node: use *ALIAS of a node or its name', path: formatPath(p) });
      }
      return index;
    });
    const [from, to] = ends;
    if (from === undefined || to === undefined) return;
    if (from === to) {
      out.push({ ...doc.locate(base), message: `node "${nodes[from].name}" depends on itself`, path: formatPath(base) });
      return;
    }
    edges.push({ from, to, path: base });
  });
  return edges;
}

function findNode(nodes: GraphNode[], ref: unknown): number | undefined {
  const byIdentity = nodes.findIndex((n) => n.raw === ref);
  if (byIdentity >= 0) return byIdentity;
  const name = typeof ref === 'string' ? ref : isRecord(ref) && typeof ref.name === 'string' ? ref.name : undefined;
  const byName = name === undefined ? -1 : nodes.findIndex((n) => n.name === name);
  return byName >= 0 ? byName : undefined;
}

/**
 * Kahn's algorithm by levels: each level holds the nodes whose dependencies are all in earlier levels, in file
 * order. Nodes on a cycle are reported (`dependency cycle: a -> b -> a`, at the edge leaving the first one in
 * file order) and appended at the end so the caller still has every node.
 */
export function topoOrder(count: number, edges: Edge[], names: string[], doc: LoadedDocument, out: Diagnostic[]): number[] {
  const deps = Array.from({ length: count }, () => new Set<number>());
  for (const e of edges) deps[e.from].add(e.to);
  const placed = new Set<number>();
  const order: number[] = [];
  for (let level = 0; level <= count; level++) {
    const ready = [...Array(count).keys()].filter((n) => !placed.has(n) && [...deps[n]].every((d) => placed.has(d)));
    if (ready.length === 0) break;
    for (const n of ready) placed.add(n);
    order.push(...ready);
  }
  const stuck = new Set([...Array(count).keys()].filter((n) => !placed.has(n)));
  for (let guard = 0; stuck.size > 0 && guard < count; guard++) {
    const cycle = findCycle(Math.min(...stuck), deps, stuck);
    const edge = edges.find((e) => e.from === cycle[0] && e.to === cycle[1])!;
    const text = [...cycle, cycle[0]].map((n) => names[n]).join(' -> ');
    out.push({ ...doc.locate(edge.path), message: `dependency cycle: ${text}`, path: formatPath(edge.path) });
    for (const n of cycle) stuck.delete(n);
    // Nodes that only wait for this cycle are not on a cycle themselves: drop them too (no extra message).
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of stuck) {
        if (![...deps[n]].some((d) => stuck.has(d))) {
          stuck.delete(n);
          changed = true;
        }
      }
    }
  }
  for (let n = 0; n < count; n++) if (!placed.has(n)) order.push(n);
  return order;
}

/** From a node that cannot be placed, follow unplaced dependencies until one repeats: that loop is a cycle. */
function findCycle(start: number, deps: Array<Set<number>>, stuck: Set<number>): number[] {
  const walk: number[] = [];
  let n = start;
  while (!walk.includes(n)) {
    walk.push(n);
    n = Math.min(...[...deps[n]].filter((d) => stuck.has(d)));
  }
  return rotateToSmallest(walk.slice(walk.indexOf(n)));
}

function rotateToSmallest(cycle: number[]): number[] {
  const i = cycle.indexOf(Math.min(...cycle));
  return [...cycle.slice(i), ...cycle.slice(0, i)];
}
