/**
 * Every nova resource section shape of Occopus's published tutorials (test/fixtures/nova-tutorials) validates
 * in reef once its placeholders are filled, with a cloud-init context as the tutorials use; an unfilled
 * placeholder endpoint is refused with a line-numbered error.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { compileInfra } from '../../src/schemas/compile.js';
import { builtinResourceSchemas } from '../../src/reconcilers/builtin.js';
import { fixture } from '../schemas/helpers.js';

// YAML 1.1, as reef (and Occopus's PyYAML) read descriptors: `yes` is true
const shapes = parse(readFileSync(fixture('nova-tutorials/shapes.yaml'), 'utf8'), { version: '1.1' }) as Record<string, Record<string, unknown>>;
const infraText = 'infra_name: tutorial\nnodes:\n  - name: node-a\n    type: tutorial_node\n';

function nodesText(resource: Record<string, unknown>): string {
  return stringify({ 'node_def:tutorial_node': [{
    resource: { type: 'nova', ...resource },
    contextualisation: { type: 'cloudinit', context_template: { runcmd: ['echo {{ infra_id }} {{ node_id }}'] } },
    health_check: { ping: false },
  }] }, { version: '1.1' });
}

describe("Occopus's nova tutorials (shapes)", () => {
  it('has the 13 tutorials that use type: nova', () => {
    expect(Object.keys(shapes)).toHaveLength(13);
  });

  it.each(Object.entries(shapes))('%s validates with its placeholders filled', (_name, resource) => {
    const spec = compileInfra({ infraFile: 'infra.yaml', infraText, nodesFile: 'nodes.yaml', nodesText: nodesText(resource),
      resourceSchemas: builtinResourceSchemas() });
    expect(spec.nodes[0].implementations[0].resource).toMatchObject({ type: 'nova', ...resource });
  });

  it('refuses a placeholder left in the endpoint, naming file, line and field', () => {
    const resource = { ...shapes['nova-helloworld'], endpoint: 'replace_with_endpoint_of_nova_interface_of_your_cloud' };
    expect(() => compileInfra({ infraFile: 'infra.yaml', infraText, nodesFile: 'nodes.yaml', nodesText: nodesText(resource),
      resourceSchemas: builtinResourceSchemas() })).toThrow(/nodes\.yaml:\d+.*endpoint/s);
  });
});
