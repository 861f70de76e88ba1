/** Hand-built specs for controller tests (the YAML path is covered by the schema and CLI suites). */
import type { Implementation, InfraSpec, NodeSpec } from '../../src/spec/types.js';

export function node(name: string, opts: Partial<NodeSpec> & { impl?: Implementation } = {}): NodeSpec {
  const { impl, ...rest } = opts;
  return {
    name,
    type: `${name}_type`,
    min: 1,
    max: 10,
    variables: {},
    dependsOn: [],
    implementations: [impl ?? { resource: { type: 'dummy' } }],
    ...rest,
  };
}

export function infraSpec(id: string, nodes: NodeSpec[], extra: Partial<InfraSpec> = {}): InfraSpec {
  return { id, name: id, variables: {}, nodes, strategy: 'parallel', source: {}, ...extra };
}
