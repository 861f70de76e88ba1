/**
 * The descriptor forms Occopus's published tutorials use (docs/occopus.md lists the tutorials), on reef's own
 * fixture: anchors with `connection:` and plain edges, scaling, filter, user_id, !yaml_import/!text_import of
 * cloud-init files, puppet_solo's Occopus form (URL manifests, modules, attributes as a list, `puppet.*` strings in
 * cloud-init), templated mysqldbs, getip(variables.x), getprivip, getipall, cut(infra_id,…), {% raw %}, for/if.
 * Also: what reef lacks is refused with one line naming it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileInfra } from '../../src/schemas/compile.js';
import { makeTemplateScope, renderDeep, renderTemplate } from '../../src/schemas/template.js';
import { withConfigStrings } from '../../src/reconcilers/config/template-scope.js';
import { builtinResourceSchemas } from '../../src/reconcilers/builtin.js';
import { fixture } from './helpers.js';

const resourceSchemas = builtinResourceSchemas();
const compile = () =>
  compileInfra({
    infraFile: fixture('good/occopus-forms/infra.yaml'),
    nodesFile: fixture('good/occopus-forms/nodes/node_definitions.yaml'),
    resourceSchemas,
  });

describe("Occopus's tutorial forms", () => {
  const spec = compile();
  const addresses: Record<string, Array<{ ip: string; privateIp: string }>> = {
    db: [{ ip: '192.0.2.10', privateIp: '10.0.0.10' }],
    worker: [{ ip: '192.0.2.21', privateIp: '10.0.0.21' }, { ip: '192.0.2.22', privateIp: '10.0.0.22' }],
    web: [],
  };
  const scopeOf = (name: string, ip?: string) =>
    makeTemplateScope({ spec, node: spec.nodes.find((n) => n.name === name)!, instanceId: `${name}-1`, ip, addressesOf: (n) => addresses[n] });

  it('reads nodes, dependencies in both edge forms, scaling, filter and user_id', () => {
    expect(spec.userId).toBe('someone@example.org');
    expect(spec.nodes.map((n) => [n.name, n.dependsOn, n.min, n.max])).toEqual([
      ['db', [], 1, 1],
      ['worker', ['db'], 2, 4],
      ['web', ['worker'], 1, 1],
    ]);
    expect(spec.nodes[1].implementations.map((i) => i.resource.type)).toEqual(['ec2']);
  });

  it("gives cloud-init Occopus's puppet.modules, puppet.manifests and puppet.attributes strings", () => {
    const db = spec.nodes[0].implementations[0];
    const scope = withConfigStrings(scopeOf('db'), db);
    const text = renderTemplate(db.contextualisation!.context_template as string, scope);
    expect(text).toContain('puppetlabs-mysql\n');
    expect(text).toContain('https://example.org/manifests/db-init.pp\n');
    // Python's str() of each attribute mapping, as Occopus's tutorials expect (their sed turns it into hiera YAML)
    expect(text).toContain("{'dbname': 'shop'} {'dbuser': 'shopper'} {'dbpass': 's3cret-pass'}");
  });

  it('renders templated mysqldbs checks with the instance scope', () => {
    const check = renderDeep(spec.nodes[0].implementations[0].health_check!, scopeOf('db', '192.0.2.10'));
    expect(check.mysqldbs).toEqual([{ name: 'shop', user: 'shopper', pass: 's3cret-pass' }]);
    expect(check.timeout).toBe(900);
  });

  it('renders getip(variables.x), getprivip, cut(infra_id, 0, 4) and keeps {% raw %} text', () => {
    const worker = spec.nodes[1].implementations[0];
    const text = renderTemplate(worker.contextualisation!.context_template as string, scopeOf('worker'));
    expect(text).toContain('consul at 192.0.2.10 private 10.0.0.10 infra form');
    expect(text).toContain(`echo '{{range service "db"}}{{.Address}}{{end}}'`);
  });

  it('renders getipall as a Python list and for/if/is defined over variables', () => {
    const web = spec.nodes[2].implementations[0];
    const text = renderTemplate(web.contextualisation!.context_template as string, scopeOf('web'));
    expect(text).toContain("all: ['192.0.2.21', '192.0.2.22']");
    expect(text).toContain('a -> worker');
    expect(text).toMatch(/\n\s*b\n/);
    expect(renderDeep(web.health_check!, scopeOf('web', '192.0.2.30')).urls).toEqual(['http://192.0.2.30/shop']);
  });
});

describe('what reef lacks is refused with one line naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reef-occopus-forms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const refuse = (resource: string, extra = '') => {
    writeFileSync(join(dir, 'infra.yaml'), 'infra_name: lacks\nnodes:\n  - name: n\n    type: t\n');
    writeFileSync(join(dir, 'nodes.yaml'), `'node_def:t':\n  - resource:\n${resource}${extra}`);
    try {
      compileInfra({ infraFile: join(dir, 'infra.yaml'), nodesFile: join(dir, 'nodes.yaml'), resourceSchemas });
    } catch (e) {
      return (e as Error).message.split('\n');
    }
    return [];
  };
  const ec2 = '      type: ec2\n      endpoint: https://e\n      regionname: r\n      image_id: ami-1\n      instance_type: t3.small\n';

  it.each(['azure_vm', 'azure_aci', 'cloudbroker', 'cloudsigma'])('resource type %s', (type) => {
    const lines = refuse(`      type: ${type}\n      endpoint: https://cloud.example.org\n`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`nodes.yaml:3:13: unknown resource type "${type}".*known types are `));
  });

  it('config_management type chef, saying why', () => {
    const lines = refuse(ec2, '    config_management:\n      type: chef\n      endpoint: https://chef\n      run_list: [ "recipe[x]" ]\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/nodes.yaml:9:13: config_management type chef is not supported yet: use shell, ansible or puppet_solo/);
  });
});
