/** Files a node definition names resolve relative to that node-definition file, as in Occopus, not to reef's cwd. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileInfra } from '../../src/schemas/compile.js';
import { loadNodeDefs } from '../../src/schemas/node-defs.js';
import { resourceSchemas } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'reef-file-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'project', 'nodes'), { recursive: true });
const NODES = `'node_def:t':
  - resource: { type: dummy }
    config_management:
      type: ansible
      playbook: ../playbooks/site.yml
      private_key_path: keys/id_ed25519
  - resource: { type: dummy }
    config_management:
      type: ansible
      playbook: /srv/abs.yml
      private_key_path: ~/.ssh/id_ed25519
`;
writeFileSync(join(dir, 'project', 'nodes', 'defs.yaml'), NODES);
writeFileSync(join(dir, 'project', 'infra.yaml'), 'infra_name: paths\nnodes:\n  - name: n\n    type: t\n');

describe('files named in node definitions', () => {
  it('resolve against the node-definition file, whatever the working directory', () => {
    const spec = compileInfra({ infraFile: join(dir, 'project', 'infra.yaml'), nodesFile: join(dir, 'project', 'nodes', 'defs.yaml'), resourceSchemas });
    const [rel, abs] = spec.nodes[0].implementations.map((i) => i.config_management);
    expect(rel).toMatchObject({ playbook: join(dir, 'project', 'playbooks', 'site.yml'), private_key_path: join(dir, 'project', 'nodes', 'keys', 'id_ed25519') });
    expect(abs).toMatchObject({ playbook: '/srv/abs.yml', private_key_path: '~/.ssh/id_ed25519' });
  });

  it('are stored absolute by reef import (loadNodeDefs), so a later apply from elsewhere finds them', () => {
    const defs = loadNodeDefs(join(dir, 'project', 'nodes', 'defs.yaml'), resourceSchemas);
    expect(defs.t[0].config_management).toMatchObject({ playbook: join(dir, 'project', 'playbooks', 'site.yml') });
  });

  it('stay as written in a request body, which has no folder', () => {
    const spec = compileInfra({ infraFile: '<request body>', infraText: 'infra_name: paths\nnodes:\n  - name: n\n    type: t\n', nodesText: NODES, resourceSchemas });
    expect(spec.nodes[0].implementations[0].config_management).toMatchObject({ playbook: '../playbooks/site.yml' });
  });
});
