import type { InfraSpec, NodeSpec } from '../../src/spec/types.js';
import { makeTemplateScope, type TemplateScope } from '../../src/schemas/template.js';

function node(name: string, variables: Record<string, unknown> = {}): NodeSpec {
  return { name, type: 't', min: 1, max: 1, variables, dependsOn: [], implementations: [{ resource: { type: 'dummy' } }] };
}

/** A scope like the one reef renders a node's templates with: three nodes, addresses for two. */
export function securityScope(variables: Record<string, unknown> = {}): TemplateScope {
  const spec: InfraSpec = {
    id: 'sec-1a2b3c4d',
    name: 'sec',
    variables: {},
    nodes: [node('db'), node('web', variables), node('empty')],
    strategy: 'serial',
    source: {},
  };
  const addresses: Record<string, Array<{ ip?: string; privateIp?: string }>> = {
    db: [{ ip: '10.0.0.5', privateIp: '192.168.0.5' }, { ip: '10.0.0.6' }],
    web: [{ ip: '172.17.0.2' }],
    empty: [{}],
  };
  return makeTemplateScope({ spec, node: spec.nodes[1]!, instanceId: 'web-abc123', ip: '172.17.0.2', addressesOf: (n) => addresses[n] ?? [] });
}

/** JavaScript that marks the process as compromised if a template ever manages to run it. */
export const TRIPWIRE_CODE = 'globalThis.__reefTemplatePwned = true; return "pwned"';

export function tripped(): boolean {
  return (globalThis as Record<string, unknown>).__reefTemplatePwned === true;
}
