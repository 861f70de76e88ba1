/**
 * The bad-descriptor corpus: every file under test/fixtures/bad/ with the exact messages reef prints for it.
 * Kinds: infra = infra file with the shared, valid nodes file; pair = infra file with its own `<name>.nodes.yaml`;
 * nodes = a node-definition file alone (`reef import`); auth = an auth file; id = a valid infra with a bad --id.
 * `$BAD` stands for test/fixtures/bad as shown relative to the working directory.
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAuthFile } from '../../src/schemas/auth.js';
import { compileInfra } from '../../src/schemas/compile.js';
import { SpecError, displayPath } from '../../src/schemas/diagnostics.js';
import { loadNodeDefs } from '../../src/schemas/node-defs.js';
import { fixture, resourceSchemas } from './helpers.js';

type Kind = 'infra' | 'pair' | 'nodes' | 'auth' | 'id';

const CORPUS: Array<[file: string, kind: Kind, want: string | string[]]> = [
  ['auth-missing-auth-data.yaml', 'auth', '$BAD/auth-missing-auth-data.yaml:2:5: missing required key "auth_data" (field resource[0].auth_data)'],
  ['auth-not-a-list.yaml', 'auth', '$BAD/auth-not-a-list.yaml:2:3: must be a list or empty, got a mapping (field resource)'],
  ['auth-unknown-section.yaml', 'auth', '$BAD/auth-unknown-section.yaml:1:1: unknown key "resources" (did you mean "resource"?) (field resources)'],
  ['bad-id.yaml', 'id', '<command line>: invalid --id "Bad_Id": use 1 to 63 characters from a-z, 0-9 and -'],
  ['bad-infra-name.yaml', 'infra', '$BAD/bad-infra-name.yaml:1:13: invalid infra_name "my_infra": use 1 to 63 characters from a-z, 0-9 and - (field infra_name)'],
  ['bad-node-name.yaml', 'infra', '$BAD/bad-node-name.yaml:3:11: invalid node name "web server": use 1 to 63 characters from a-z, 0-9, _ and - (field nodes[0].name)'],
  ['cycle-2.yaml', 'infra', '$BAD/cycle-2.yaml:6:5: dependency cycle: a -> b -> a (field dependencies[0])'],
  ['cycle-3.yaml', 'infra', '$BAD/cycle-3.yaml:11:5: dependency cycle: a -> b -> c -> a (field dependencies[3])'],
  ['dependency-bad-item.yaml', 'infra', '$BAD/dependency-bad-item.yaml:5:5: must be a pair [A, B] or a mapping {connection: [A, B]}, got "a" (field dependencies[0])'],
  ['dependency-bad-mapping.yaml', 'infra', '$BAD/dependency-bad-mapping.yaml:8:9: must be a pair [A, B] (A depends on B) (field dependencies[0].mappings[0])'],
  ['dependency-not-a-node.yaml', 'infra', '$BAD/dependency-not-a-node.yaml:6:10: dependency does not refer to a node: use *ALIAS of a node or its name (field dependencies[0][1])'],
  ['dependency-not-pair.yaml', 'infra', '$BAD/dependency-not-pair.yaml:6:5: must be a pair [A, B] (A depends on B) (field dependencies[0])'],
  ['dependency-self.yaml', 'infra', '$BAD/dependency-self.yaml:7:5: node "web" depends on itself (field dependencies[0])'],
  ['dependency-unknown-node.yaml', 'infra', '$BAD/dependency-unknown-node.yaml:8:11: unknown node "dbb" in dependency (did you mean "db"?) (field dependencies[0][1])'],
  ['dependency-without-connection.yaml', 'infra', '$BAD/dependency-without-connection.yaml:6:5: undefined connection: a dependency mapping needs connection: [A, B] (field dependencies[0].connection)'],
  ['duplicate-key.yaml', 'infra', '$BAD/duplicate-key.yaml:5:1: duplicate key "infra_name" (field infra_name)'],
  ['duplicate-node-names.yaml', 'infra', '$BAD/duplicate-node-names.yaml:5:11: duplicate node name "web" (first defined at line 3) (field nodes[1].name)'],
  ['empty-node-list.yaml', 'infra', '$BAD/empty-node-list.yaml:2:8: must not be empty (field nodes)'],
  ['filter-matches-nothing.yaml', 'infra', '$BAD/filter-matches-nothing.yaml:5:13: no implementation of node type "web" matches filter {"endpoint":"c"} (field nodes[0].filter)'],
  ['filter-not-mapping.yaml', 'infra', '$BAD/filter-not-mapping.yaml:5:13: must be a mapping, got a list (field nodes[0].filter)'],
  ['import-cycle.yaml', 'infra', '$BAD/shared/cycle-b.yaml:1:4: import cycle: $BAD/import-cycle.yaml -> $BAD/shared/cycle-a.yaml -> $BAD/shared/cycle-b.yaml -> $BAD/shared/cycle-a.yaml (field y)'],
  ['import-duplicate-key.yaml', 'infra', '$BAD/shared/duplicate-variables.yaml:4:3: duplicate key "c" (field b.c)'],
  ['import-syntax-error.yaml', 'infra', '$BAD/shared/broken-variables.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['import-without-url.yaml', 'infra', '$BAD/import-without-url.yaml:3:11: !text_import needs a mapping {url: file://PATH} (field variables.banner)'],
  ['infra-name-too-long.yaml', 'infra', '$BAD/infra-name-too-long.yaml:1:13: invalid infra_name "aaaaaaaaaabbbbbbbbbbccccccccccddddddd...": use 1 to 63 characters from a-z, 0-9 and - (field infra_name)'],
  ['many-problems.yaml', 'infra', [
    '$BAD/many-problems.yaml:4:11: unknown node type "wbe" (did you mean "web"?) (field nodes[0].type)',
    '$BAD/many-problems.yaml:5:14: scaling min (2) is greater than max (1) (field nodes[0].scaling)',
    '$BAD/many-problems.yaml:8:13: no implementation of node type "db" matches filter {"endpoint":"nowhere"} (field nodes[1].filter)',
    '$BAD/many-problems.yaml:10:11: unknown node "nosuch" in dependency (field dependencies[0][1])',
  ]],
  ['missing-import.yaml', 'infra', '$BAD/missing-import.yaml:2:12: cannot read imported file "no-such-file.yaml" ($BAD/no-such-file.yaml): no such file (field variables)'],
  ['missing-infra-name.yaml', 'infra', '$BAD/missing-infra-name.yaml:1:1: missing required key "infra_name" (field infra_name)'],
  ['missing-node-name.yaml', 'infra', '$BAD/missing-node-name.yaml:3:5: missing required key "name" (field nodes[0].name)'],
  ['missing-node-type.yaml', 'infra', '$BAD/missing-node-type.yaml:3:5: missing required key "type" (field nodes[0].type)'],
  ['missing-nodes.yaml', 'infra', '$BAD/missing-nodes.yaml:1:1: missing required key "nodes" (field nodes)'],
  ['node-list-not-a-list.yaml', 'infra', '$BAD/node-list-not-a-list.yaml:3:3: must be a list, got a mapping (field nodes)'],
  ['nodes-ansible-missing-playbook.yaml', 'nodes', '$BAD/nodes-ansible-missing-playbook.yaml:4:7: missing required key "playbook" (field ["node_def:web"][0].config_management.playbook)'],
  ['nodes-bad-key.yaml', 'nodes', '$BAD/nodes-bad-key.yaml:1:1: unknown key "nodedef:web": node definitions are named "node_def:TYPE" (field ["nodedef:web"])'],
  ['nodes-chef.yaml', 'nodes', '$BAD/nodes-chef.yaml:4:13: config_management type chef is not supported yet: use shell, ansible or puppet_solo (field ["node_def:web"][0].config_management.type)'],
  ['nodes-cloudinit-missing-template.yaml', 'nodes', '$BAD/nodes-cloudinit-missing-template.yaml:4:7: missing required key "context_template" (field ["node_def:web"][0].contextualisation.context_template)'],
  ['nodes-config-type-unknown.yaml', 'nodes', '$BAD/nodes-config-type-unknown.yaml:4:13: config_management type "ansibel" is not supported: use shell, ansible or puppet_solo (did you mean "ansible"?) (field ["node_def:web"][0].config_management.type)'],
  ['nodes-context-type-unknown.yaml', 'nodes', '$BAD/nodes-context-type-unknown.yaml:4:13: contextualisation type "clodinit" is not supported: use cloudinit, docker, none (did you mean "cloudinit"?) (field ["node_def:web"][0].contextualisation.type)'],
  ['nodes-docker-env-string.yaml', 'nodes', [
    '$BAD/nodes-docker-env-string.yaml:5:12: must be a list or a mapping, got "A=1" (field ["node_def:web"][0].contextualisation.env)',
    '$BAD/nodes-docker-env-string.yaml:6:22: must be a string, a number or a boolean, got a mapping (field ["node_def:web"][0].contextualisation.command[1])',
  ]],
  ['nodes-docker-unknown-key.yaml', 'nodes', '$BAD/nodes-docker-unknown-key.yaml:5:7: unknown key "evn" (did you mean "env"?) (field ["node_def:web"][0].contextualisation.evn)'],
  ['nodes-empty-list.yaml', 'nodes', '$BAD/nodes-empty-list.yaml:1:17: must not be empty (field ["node_def:web"])'],
  ['nodes-healthcheck-ports-string.yaml', 'nodes', '$BAD/nodes-healthcheck-ports-string.yaml:4:19: must be an integer, got "http" (field ["node_def:web"][0].health_check.ports[1])'],
  ['nodes-healthcheck-ssh.yaml', 'nodes', '$BAD/nodes-healthcheck-ssh.yaml:4:12: missing required key "command" (field ["node_def:web"][0].health_check.ssh.command)'],
  ['nodes-healthcheck-timeout-zero.yaml', 'nodes', '$BAD/nodes-healthcheck-timeout-zero.yaml:5:16: must be greater than 0, got 0 (field ["node_def:web"][0].health_check.timeout)'],
  ['nodes-healthcheck-unknown-key.yaml', 'nodes', '$BAD/nodes-healthcheck-unknown-key.yaml:4:7: unknown key "pings" (did you mean "ping"?) (field ["node_def:web"][0].health_check.pings)'],
  ['nodes-missing-resource-type.yaml', 'nodes', '$BAD/nodes-missing-resource-type.yaml:3:7: missing required key "type" (field ["node_def:web"][0].resource.type)'],
  ['nodes-missing-resource.yaml', 'nodes', '$BAD/nodes-missing-resource.yaml:2:5: missing required key "resource" (field ["node_def:web"][0].resource)'],
  ['nodes-not-a-mapping.yaml', 'nodes', '$BAD/nodes-not-a-mapping.yaml:1:1: a node definition file must be a mapping of "node_def:TYPE" to implementations, got a list'],
  ['nodes-resource-schema.yaml', 'nodes', '$BAD/nodes-resource-schema.yaml:4:14: must be a string, got 42 (field ["node_def:web"][0].resource.image)'],
  ['nodes-template-syntax.yaml', 'nodes', '$BAD/nodes-template-syntax.yaml:7:24: template error: unexpected token: }} (field ["node_def:web"][0].contextualisation.env[0])'],
  ['nodes-unknown-resource-type.yaml', 'nodes', '$BAD/nodes-unknown-resource-type.yaml:3:13: unknown resource type "dumy" (did you mean "dummy"?): known types are dummy, strict (field ["node_def:web"][0].resource.type)'],
  ['nodes-unknown-section.yaml', 'nodes', '$BAD/nodes-unknown-section.yaml:3:5: unknown key "health_checks" (did you mean "health_check"?) (field ["node_def:web"][0].health_checks)'],
  ['not-a-mapping.yaml', 'infra', '$BAD/not-a-mapping.yaml:1:1: an infrastructure description must be a mapping with infra_name and nodes, got a list'],
  ['scaling-min-gt-max.yaml', 'infra', '$BAD/scaling-min-gt-max.yaml:6:7: scaling min (3) is greater than max (2) (field nodes[0].scaling)'],
  ['scaling-negative.yaml', 'infra', '$BAD/scaling-negative.yaml:6:12: must be at least 0, got -1 (field nodes[0].scaling.min)'],
  ['scaling-non-integer.yaml', 'infra', '$BAD/scaling-non-integer.yaml:5:28: must be an integer, got 2.5 (field nodes[0].scaling.max)'],
  ['scaling-string.yaml', 'infra', '$BAD/scaling-string.yaml:5:20: must be an integer, got "two" (field nodes[0].scaling.min)'],
  ['template-block-literal.yaml', 'pair', '$BAD/template-block-literal.nodes.yaml:8:18: for node "web": unknown variable "ip" (ip exists only in health_check) (field ["node_def:web"][0].contextualisation.context_template)'],
  ['template-getip-unknown.yaml', 'pair', '$BAD/template-getip-unknown.nodes.yaml:7:29: for node "sender": unknown node "recever" in getip() (did you mean "receiver"?) (field ["node_def:sender"][0].contextualisation.command[2])'],
  ['template-healthcheck-url.yaml', 'pair', '$BAD/template-healthcheck-url.nodes.yaml:4:31: for node "web": unknown variable "variables.port" (field ["node_def:web"][0].health_check.urls[0])'],
  ['template-in-text-import.yaml', 'pair', '$BAD/shared/cloud-init.sh:3:6: for node "web": unknown variable "variables.port" (field ["node_def:web"][0].contextualisation.context_template)'],
  ['template-unknown-variable.yaml', 'pair', '$BAD/template-unknown-variable.nodes.yaml:6:22: for node "web": unknown variable "variables.mesage" (did you mean "variables.message"?) (field ["node_def:web"][0].contextualisation.env[0])'],
  ['unknown-alias.yaml', 'infra', '$BAD/unknown-alias.yaml:5:10: unknown alias *B (field dependencies[0][1])'],
  ['unknown-key-infra.yaml', 'infra', '$BAD/unknown-key-infra.yaml:2:1: unknown key "variabels" (did you mean "variables"?) (field variabels)'],
  ['unknown-key-node.yaml', 'infra', '$BAD/unknown-key-node.yaml:5:5: unknown key "scalling" (did you mean "scaling"?) (field nodes[0].scalling)'],
  ['unknown-key-scaling.yaml', 'infra', '$BAD/unknown-key-scaling.yaml:5:15: unknown key "mn" (did you mean "min"?) (field nodes[0].scaling.mn)'],
  ['unknown-node-type.yaml', 'infra', '$BAD/unknown-node-type.yaml:4:11: unknown node type "wbe" (did you mean "web"?) (field nodes[0].type)'],
  ['unknown-tag.yaml', 'infra', '$BAD/unknown-tag.yaml:2:12: unknown tag "!yaml_imprt" (did you mean "!yaml_import"?) (field variables)'],
  ['variables-not-mapping.yaml', 'infra', '$BAD/variables-not-mapping.yaml:2:12: must be a mapping or empty, got a list (field variables)'],
  ['yaml-syntax.yaml', 'infra', '$BAD/yaml-syntax.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
];

/** the test resource schemas plus one strict driver schema, to show a driver's own schema errors. */
const schemas: Record<string, object> = {
  ...resourceSchemas,
  strict: {
    type: 'object',
    required: ['type', 'image'],
    additionalProperties: false,
    properties: { type: { const: 'strict' }, image: { type: 'string' } },
  },
};

function run(file: string, kind: Kind): void {
  const path = fixture('bad', file);
  switch (kind) {
    case 'nodes':
      loadNodeDefs(path, schemas);
      return;
    case 'auth':
      loadAuthFile(path);
      return;
    default:
      compileInfra({
        infraFile: path,
        nodesFile: kind === 'pair' ? path.replace(/\.yaml$/, '.nodes.yaml') : fixture('bad/shared/nodes.yaml'),
        resourceSchemas: schemas,
        ...(kind === 'id' ? { id: 'Bad_Id' } : {}),
      });
  }
}

function messagesOf(file: string, kind: Kind): string[] {
  try {
    run(file, kind);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    expect(e.code).toBe('REEF_SPEC_INVALID');
    expect(e.message.split('\n')).toHaveLength(e.diagnostics.length);
    return e.message.split('\n');
  }
  return ['(no error)'];
}

describe('bad descriptor corpus', () => {
  const bad = displayPath(fixture('bad'));
  it.each(CORPUS)('%s (%s)', (file, kind, want) => {
    const expected = (Array.isArray(want) ? want : [want]).map((w) => w.replaceAll('$BAD', bad));
    expect(messagesOf(file, kind)).toEqual(expected);
  });

  it('lists every fixture in the table, and there are at least 40', () => {
    const files = readdirSync(fixture('bad')).filter((f) => f.endsWith('.yaml') && !f.endsWith('.nodes.yaml'));
    expect(files.sort()).toEqual(CORPUS.map(([f]) => f).sort());
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
    for (const [file, kind] of CORPUS) {
      if (kind === 'pair') expect(existsSync(fixture('bad', file.replace(/\.yaml$/, '.nodes.yaml')))).toBe(true);
    }
  });
});
