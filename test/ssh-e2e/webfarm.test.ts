/**
 * Whole infras of VM-like containers (reef-test/vm) configured over SSH through the CLI, one per config
 * manager: shell (examples/ssh-webfarm), ansible (examples/ansible-webfarm), puppet_solo
 * (examples/puppet-wordpress). Each: apply --wait, every health check passes (ports, urls with {{ip}}, ssh),
 * the web servers serve the db's address (read over HTTP on the containers' bridge addresses), the db answers,
 * scaling adds and removes configured servers, destroy leaves no container; the private key never shows up in
 * debug output, `reef logs -o json` or the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { containersOf, sweep } from '../docker-e2e/e2e.js';
import { explain, uniqueId } from '../docker-e2e/e2e.js';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import type { Probe } from '../../src/reconcilers/driver.js';
import { generateKey, httpText, leaksOf, requireVmImages, ROOT, Session, type KeyPair } from './harness.js';

interface Shape {
  example: string;
  manager: 'shell' | 'ansible' | 'puppet_solo';
  db: { node: string; port: number };
  web: { node: string; port: number; count: number; scaleTo?: number };
}

const SHAPES: Shape[] = [
  { example: 'ssh-webfarm', manager: 'shell', db: { node: 'db', port: 5984 }, web: { node: 'web', port: 8080, count: 2, scaleTo: 3 } },
  { example: 'ansible-webfarm', manager: 'ansible', db: { node: 'db', port: 5984 }, web: { node: 'web', port: 8080, count: 2, scaleTo: 3 } },
  { example: 'puppet-wordpress', manager: 'puppet_solo', db: { node: 'db', port: 3306 }, web: { node: 'wordpress', port: 80, count: 1 } },
];

type Report = Record<string, { instances: Record<string, { resource_address: string | null; state: string }>; scaling: { actual: number } }>;

beforeAll(requireVmImages, 600_000);

describe.each(SHAPES)('$example: docker + $manager over SSH', (shape) => {
  const session = new Session();
  const id = uniqueId(shape.manager.replace('_', ''));
  const exampleDir = join(ROOT, 'examples', shape.example);
  let key: KeyPair;
  let infra: string;
  let auth: string;

  beforeAll(() => {
    key = generateKey(session.dir);
    infra = session.writeYaml('infra.yaml', join(exampleDir, 'infra.yaml'), (doc) => doc.setIn(['variables', 'pubkey'], key.publicKey));
    auth = session.writeText('auth.yaml', [
      'config_management:',
      `  - type: ${shape.manager}`,
      '    auth_data:',
      '      user: root',
      '      private_key: !text_import',
      `        url: file://${key.privateKeyPath}`,
      '',
    ].join('\n'));
  });
  afterAll(async () => {
    await sweep(id);
    session.cleanup();
  });

  // Run from the example's folder, as its README says (playbooks resolve relative to the node-definition file).
  const cli = (args: string[]) => session.cli(args, { cwd: exampleDir });

  async function status(): Promise<Report> {
    const r = await cli(['status', id, '-o', 'json']);
    expect(r.code, explain(r)).toBe(0);
    return JSON.parse(r.stdout) as Report;
  }

  /** Checks the running farm against Docker and HTTP; returns the web instance ids. */
  async function checkFarm(webs: number): Promise<string[]> {
    const report = await status();
    const [db] = Object.values(report[shape.db.node].instances);
    expect(db.state).toBe('ready');
    const dbIp = db.resource_address!;
    expect(await httpText(`http://${dbIp}:${shape.db.port}/`)).toBe('db ok\n');
    const web = report[shape.web.node].instances;
    expect(Object.keys(web)).toHaveLength(webs);
    expect((await containersOf(id, shape.web.node)).map((c) => c.Labels['reef.instance']).sort()).toEqual(Object.keys(web).sort());
    for (const [instance, { state, resource_address }] of Object.entries(web)) {
      expect(state, instance).toBe('ready');
      const page = await httpText(`http://${resource_address}:${shape.web.port}/`);
      expect(page).toContain(`${instance} uses db at ${dbIp}:${shape.db.port}`);
    }
    return Object.keys(web);
  }

  it('apply --wait configures every node over SSH and every health check passes', async () => {
    const started = Date.now();
    const r = await cli(['apply', infra, '--nodes', 'nodes/node_definitions.yaml', '--auth', auth, '--id', id, '--wait', '--timeout', '300']);
    expect(r.code, explain(r)).toBe(0);
    console.info(`[ssh-e2e] ${shape.example} apply --wait: ${Date.now() - started} ms`);
    await checkFarm(shape.web.count);
    // each instance's last health probes, as the controller persisted them: every configured kind ran and passed
    const store = openSqliteStore(session.state, { readonly: true });
    try {
      const instances = await store.listInstances(id);
      expect(instances).toHaveLength(1 + shape.web.count);
      for (const inst of instances) {
        const probes = (inst.snapshot as { context?: { lastProbes?: Probe[] } }).context?.lastProbes ?? [];
        const port = inst.node === shape.db.node ? shape.db.port : shape.web.port;
        expect(probes.filter((p) => !p.ok), inst.id).toEqual([]);
        expect(probes.map((p) => p.name), inst.id).toEqual(
          expect.arrayContaining([`port ${port}`, `url http://${inst.addresses.ip}${port === 80 ? '' : `:${port}`}/`, 'ssh']),
        );
      }
    } finally {
      await store.close();
    }
  }, 330_000);

  if (shape.web.scaleTo) {
    it(`scale ${shape.web.node} ${shape.web.count} → ${shape.web.scaleTo} → ${shape.web.count}: the new server is configured, the youngest goes`, async () => {
      const before = await checkFarm(shape.web.count);
      let r = await cli(['scale', id, shape.web.node, '--to', String(shape.web.scaleTo), '--wait', '--timeout', '200']);
      expect(r.code, explain(r)).toBe(0);
      const grown = await checkFarm(shape.web.scaleTo!);
      expect(grown).toEqual(expect.arrayContaining(before));
      r = await cli(['scale', id, shape.web.node, '--to', String(shape.web.count), '--wait', '--timeout', '120']);
      expect(r.code, explain(r)).toBe(0);
      expect((await checkFarm(shape.web.count)).sort()).toEqual([...before].sort());
    }, 240_000);
  }

  it('destroy removes every container; the private key was never printed, logged or stored', async () => {
    const r = await cli(['destroy', id]);
    expect(r.code, explain(r)).toBe(0);
    expect(await containersOf(id)).toHaveLength(0);
    const logs = await cli(['logs', id, '-o', 'json']);
    expect(logs.code, explain(logs)).toBe(0);
    expect(logs.stdout).toContain('configuring');
    expect(leaksOf(session, [key.privateKey], { 'reef logs -o json': logs.stdout })).toEqual([]);
    // the check itself finds one planted line of the key body
    const line = key.privateKey.split('\n')[2];
    expect(leaksOf(session, [key.privateKey], { planted: `x${line}x` })).toEqual([`planted: ${line.slice(0, 12)}…`]);
  }, 120_000);
});
