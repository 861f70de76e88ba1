import { describe, expect, it } from 'vitest';
import { compileInfra } from '../../src/schemas/compile.js';
import { loadNodeDefs } from '../../src/schemas/node-defs.js';
import { fixture, resourceSchemas } from './helpers.js';

describe('good descriptors', () => {
  it('compiles the Occopus docker-ping tutorial (anchors and [ *S, *R ])', () => {
    const spec = compileInfra({
      infraFile: fixture('good/docker-ping/infra.yaml'),
      nodesFile: fixture('good/docker-ping/nodes.yaml'),
      resourceSchemas,
    });
    expect(spec.id).toBe('docker-ping');
    expect(spec.name).toBe('docker-ping');
    expect(spec.userId).toBe('somebody@somewhere.com');
    expect(spec.strategy).toBe('parallel'); // reef's default (Occopus's was serial)
    expect(spec.nodes.map((n) => [n.name, n.dependsOn, n.min, n.max])).toEqual([
      ['ping_receiver', [], 1, 1],
      ['ping_sender', ['ping_receiver'], 1, 1],
    ]);
    const sender = spec.nodes[1];
    expect(sender.implementations).toHaveLength(1);
    expect(sender.implementations[0].contextualisation).toEqual({
      type: 'docker',
      env: ['target_ip={{getip("ping_receiver")}}', 'message={{variables.message}}'],
      command: ['sh', '-c', '/root/start.sh'],
    });
    expect(sender.implementations[0].health_check).toEqual({ ping: false });
  });

  it('compiles imports, name dependencies, a connection edge with mappings, filters and merged variables', () => {
    const spec = compileInfra({
      infraFile: fixture('good/imports/infra.yaml'),
      nodesFile: fixture('good/imports/nodes.yaml'),
      id: 'fixed-id',
      strategy: 'parallel',
      resourceSchemas,
    });
    expect(spec.id).toBe('fixed-id');
    expect(spec.name).toBe('Imports-Demo');
    expect(spec.strategy).toBe('parallel');
    expect(spec.nodes.map((n) => [n.name, n.dependsOn, n.min, n.max])).toEqual([
      ['db', [], 0, 3],
      ['app', ['db'], 2, 2],
      ['web', ['app'], 1, 1],
    ]);
    const [db, app, web] = spec.nodes;
    expect(db.variables).toEqual({ greeting: 'hello', db: { host: 'db.internal', port: 5432 } });
    expect(app.variables).toEqual({ greeting: 'hello', db: { host: 'db.internal', port: 5433 } });
    expect(web.variables.greeting).toBe('hello from web');
    // the filter keeps only the cloud-b implementation; the text import is the file's raw text
    expect(app.filter).toEqual({ endpoint: 'cloud-b' });
    expect(app.implementations.map((i) => i.resource.endpoint)).toEqual(['cloud-b']);
    expect(app.implementations[0].contextualisation?.context_template).toBe(
      '#!/bin/sh\necho "db is {{ variables.db.host }}:{{ variables.db.port }}"\n',
    );
    expect(app.implementations[0].config_management).toEqual({ type: 'shell', script: 'echo configured {{ name }}' });
    // a cloud-init mapping becomes #cloud-config text, templates kept for rendering at create time
    const template = web.implementations[0].contextualisation?.context_template as string;
    expect(template.startsWith('#cloud-config\n')).toBe(true);
    expect(template).toContain("echo {{ getip('app') }}");
    expect(web.implementations[0].health_check).toEqual({ urls: ['http://{{ ip }}:8080/'], interval: 5 });
    expect(spec.source.infraFile).toBe(fixture('good/imports/infra.yaml'));
  });

  it('merge keys (<<: *base) copy the anchored mapping', () => {
    const defs = loadNodeDefs(fixture('good/imports/nodes.yaml'), resourceSchemas);
    expect(Object.keys(defs)).toEqual(['db_node', 'app_node', 'web_node']);
    expect(defs.app_node[0].resource).toEqual({ type: 'dummy', endpoint: 'cloud-a' });
  });

  it('uses node definitions imported earlier, with the nodes file winning on the same type', () => {
    const defs = loadNodeDefs(fixture('good/docker-ping/nodes.yaml'), resourceSchemas);
    const spec = compileInfra({ infraFile: fixture('good/docker-ping/infra.yaml'), nodeDefs: defs, resourceSchemas });
    expect(spec.nodes[1].implementations).toEqual(defs.ping_sender_node);
  });
});
