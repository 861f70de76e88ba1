import { describe, expect, it } from 'vitest';
import { TransientError } from '../errors/index.js';
import type { InfraSpec, NodeSpec } from '../spec/types.js';
import { TemplateError, makeTemplateScope, pythonSlice, renderDeep, renderTemplate } from './template.js';

function node(name: string, variables: Record<string, unknown> = {}): NodeSpec {
  return { name, type: 't', min: 1, max: 1, variables, dependsOn: [], implementations: [{ resource: { type: 'dummy' } }] };
}

const spec: InfraSpec = {
  id: 'demo-1',
  name: 'demo',
  variables: {},
  nodes: [node('db'), node('web', { port: 80, nested: { a: 1, b: { c: 'deep' } } }), node('empty')],
  strategy: 'serial',
  source: {},
};

const addresses: Record<string, Array<{ ip?: string; privateIp?: string }>> = {
  db: [{ ip: '10.0.0.5', privateIp: '192.168.0.5' }, { ip: '10.0.0.6' }],
  web: [{ ip: '172.17.0.2' }],
  empty: [{}],
};

const scope = makeTemplateScope({
  spec,
  node: spec.nodes[1],
  instanceId: 'web-abc123',
  ip: '172.17.0.2',
  addressesOf: (n) => addresses[n] ?? [],
});

function renderError(template: string): unknown {
  try {
    renderTemplate(template, scope);
  } catch (e) {
    return e;
  }
  throw new Error(`expected ${template} to fail`);
}

describe('renderTemplate', () => {
  it('exposes the scope', () => {
    expect(renderTemplate('{{infra_id}} {{infra_name}} {{name}} {{node_id}} {{ip}} {{variables.port}}', scope)).toBe(
      'demo-1 demo web web-abc123 172.17.0.2 80',
    );
  });

  it('getip returns the first address, getprivip the private one, getipall a Python-style list', () => {
    expect(renderTemplate('{{ getip("db") }}', scope)).toBe('10.0.0.5');
    expect(renderTemplate("{{ getprivip('db') }}", scope)).toBe('192.168.0.5');
    expect(renderTemplate("{{ getprivip('web') }}", scope)).toBe('172.17.0.2');
    expect(renderTemplate("{{ getipall('db') }}", scope)).toBe("['10.0.0.5', '10.0.0.6']");
    expect(renderTemplate("{% for a in getipall('db') %}{{a}};{% endfor %}", scope)).toBe('10.0.0.5;10.0.0.6;');
  });

  it('cut slices like Python', () => {
    expect(renderTemplate("{{ cut('abcdef', 1, 3) }}", scope)).toBe('bc');
    expect(renderTemplate("{{ cut(node_id, 0, -7) }}", scope)).toBe('web');
    expect(pythonSlice('abcdef', -2)).toBe('ef');
    expect(pythonSlice('abcdef', 4, 2)).toBe('');
  });

  it('b64encode filter', () => {
    expect(renderTemplate("{{ 'hello wörld' | b64encode }}", scope)).toBe(Buffer.from('hello wörld').toString('base64'));
  });

  it('names an unknown top-level variable, with its position', () => {
    const e = renderError('line one\n  {{ nosuch }}');
    expect(e).toBeInstanceOf(TemplateError);
    expect((e as TemplateError).message).toBe('unknown variable "nosuch"');
    expect((e as TemplateError).code).toBe('REEF_TEMPLATE_INVALID');
    expect([(e as TemplateError).templateLine, (e as TemplateError).templateCol]).toEqual([2, 3]);
  });

  it('names an unknown nested variable', () => {
    expect((renderError('{{ variables.nested.b.x }}') as Error).message).toBe('unknown variable "variables.nested.b.x"');
    expect((renderError('{{ variables.missing.x }}') as Error).message).toBe('unknown variable "variables.missing"');
  });

  it('allows is-defined tests and default() on missing names', () => {
    expect(renderTemplate('{% if variables.x is defined %}y{% else %}n{% endif %}{{ variables.q | default("d") }}', scope)).toBe('nd');
  });

  it('getip of an unknown node is a TemplateError with a suggestion', () => {
    const e = renderError('{{ getip("dbb") }}');
    expect(e).toBeInstanceOf(TemplateError);
    expect((e as Error).message).toBe('unknown node "dbb" in getip() (did you mean "db"?)');
  });

  it('getip of a node without an address is transient', () => {
    const e = renderError('{{ getip("empty") }}');
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe('REEF_TEMPLATE_NOT_READY');
  });

  it('reports syntax errors', () => {
    expect((renderError('{{ x ') as Error).message).toMatch(/^template error: /);
  });

  it('leaves strings without template syntax alone and does not escape HTML', () => {
    expect(renderTemplate('a < b & {c}', scope)).toBe('a < b & {c}');
    expect(renderTemplate("{{ '<b>' }}", scope)).toBe('<b>');
  });

  it('does not provide cmd()', () => {
    expect(renderError("{{ cmd('id') }}")).toBeInstanceOf(TemplateError);
  });
});

describe('renderDeep', () => {
  it('renders every string in objects and arrays, not keys', () => {
    const out = renderDeep({ '{{name}}': ['{{ variables.nested.b.c }}', 3, { x: '{{ getip("web") }}' }], n: null }, scope);
    expect(out).toEqual({ '{{name}}': ['deep', 3, { x: '172.17.0.2' }], n: null });
  });
});
