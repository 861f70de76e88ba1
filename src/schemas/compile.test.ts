import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileInfra, deepMerge, matchesFilter } from './compile.js';
import { SpecError } from './diagnostics.js';

const resourceSchemas = { dummy: { type: 'object', properties: { type: { const: 'dummy' } }, additionalProperties: true } };

const NODES = `
'node_def:t':
  - resource: {type: dummy, endpoint: a, zone: {name: z1}}
    contextualisation:
      type: docker
      command: run
      env: ["A={{ variables.a }}", "{% if variables.opt is defined %}{{ variables.opt }}{% endif %}"]
  - resource: {type: dummy, endpoint: b}
`;

function compile(infra: string, extra: { nodes?: string; id?: string } = {}) {
  const d = mkdtempSync(join(tmpdir(), 'reef-compile-'));
  writeFileSync(join(d, 'infra.yaml'), infra);
  writeFileSync(join(d, 'nodes.yaml'), extra.nodes ?? NODES);
  return compileInfra({ infraFile: join(d, 'infra.yaml'), nodesFile: join(d, 'nodes.yaml'), id: extra.id, resourceSchemas });
}

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecError) return e.diagnostics.map((d) => d.message);
    throw e;
  }
  return [];
}

describe('compileInfra', () => {
  it('orders nodes by dependency levels, file order within a level', () => {
    const spec = compile(`
infra_name: x
variables: {a: 1}
nodes:
  - {name: e, type: t}
  - {name: d, type: t}
  - {name: c, type: t}
  - {name: b, type: t}
  - {name: a, type: t}
dependencies:
  - [e, d]
  - [e, a]
  - [c, a]
  - [d, b]
`);
    expect(spec.nodes.map((n) => n.name)).toEqual(['b', 'a', 'd', 'c', 'e']);
    expect(spec.nodes.find((n) => n.name === 'e')?.dependsOn).toEqual(['d', 'a']);
  });

  it('deep-merges variables, node winning, lists replaced', () => {
    expect(deepMerge({ a: 1, n: { x: 1, y: { z: 1, w: 2 } }, l: [1, 2] }, { n: { y: { z: 9 } }, l: [3] })).toEqual({
      a: 1,
      n: { x: 1, y: { z: 9, w: 2 } },
      l: [3],
    });
    const spec = compile(`
infra_name: x
variables: {a: 1, nested: {keep: k, over: o}}
nodes:
  - name: n
    type: t
    variables: {nested: {over: mine}}
`);
    expect(spec.nodes[0].variables).toEqual({ a: 1, nested: { keep: 'k', over: 'mine' } });
    expect(spec.variables).toEqual({ a: 1, nested: { keep: 'k', over: 'o' } });
  });

  it('scaling defaults: min 1, max = min; min 0 allowed; max alone below 1 lowers min', () => {
    const spec = compile(`
infra_name: x
variables: {a: 1}
nodes:
  - {name: a, type: t}
  - {name: b, type: t, scaling: {min: 0}}
  - {name: c, type: t, scaling: {max: 4}}
  - {name: d, type: t, scaling: {max: 0}}
  - {name: e, type: t, scaling: {min: 2, max: 5}}
`);
    expect(spec.nodes.map((n) => [n.name, n.min, n.max])).toEqual([
      ['a', 1, 1],
      ['b', 0, 0],
      ['c', 1, 4],
      ['d', 0, 0],
      ['e', 2, 5],
    ]);
  });

  it('filters implementations by deep subset match on the resource', () => {
    const spec = compile(`
infra_name: x
variables: {a: 1}
nodes:
  - {name: a, type: t, filter: {zone: {name: z1}}}
  - {name: b, type: t}
`);
    expect(spec.nodes[0].implementations.map((i) => i.resource.endpoint)).toEqual(['a']);
    expect(spec.nodes[1].implementations).toHaveLength(2);
    expect(matchesFilter({ resource: { type: 'dummy', zone: { name: 'z1', extra: 1 } } }, { zone: { name: 'z1' } })).toBe(false);
  });

  it('an unknown variable is reported for the node that lacks it only', () => {
    const msgs = messages(() =>
      compile(`
infra_name: x
nodes:
  - {name: has, type: t, variables: {a: 1}}
  - {name: lacks, type: t}
`),
    );
    expect(msgs).toEqual(['for node "lacks": unknown variable "variables.a"']);
  });

  it('takes --id over infra_name, and user_id as a string', () => {
    const spec = compile('infra_name: x\nuser_id: 42\nvariables: {a: 1}\nnodes: [{name: a, type: t}]\n', { id: 'my-id' });
    expect([spec.id, spec.name, spec.userId]).toEqual(['my-id', 'x', '42']);
  });

  it('says where node definitions come from when there are none', () => {
    const d = mkdtempSync(join(tmpdir(), 'reef-compile-'));
    writeFileSync(join(d, 'infra.yaml'), 'infra_name: x\nnodes: [{name: a, type: t}]\n');
    expect(messages(() => compileInfra({ infraFile: join(d, 'infra.yaml'), resourceSchemas }))).toEqual([
      'unknown node type "t" (no node definitions loaded: give a nodes file or import one)',
    ]);
  });

  it('reports problems in the infra file and in the node-defs file together', () => {
    const msgs = messages(() => compile('infra_name: x\nnodes: [{name: a, type: t, scalling: 1}]\n', { nodes: "'node_def:t': [{resource: {type: nope}}]\n" }));
    expect(msgs).toEqual(['unknown resource type "nope": known types are dummy', 'unknown key "scalling" (did you mean "scaling"?)']);
  });
});
