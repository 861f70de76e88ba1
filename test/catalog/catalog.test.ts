/**
 * The catalog: every shipped entry loads and compiles for each of its clouds; users' values are typed and
 * checked the same way from `reef deploy --set` and from the API; a deploy stores the values and the counts;
 * a broken entry is a one-line error with its position.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCatalogDir, compileEntry, loadCatalog, parseSetArgs, resolveInputs } from '../../src/catalog/index.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import { silentLogger } from '../../src/util/log.js';
import { apiHarness, AUTH, type ApiHarness } from '../api/helpers.js';
import { authTargets, localTargets } from '../../src/catalog/targets.js';
import { reef, ROOT } from '../helpers/cli.js';

let tmp: string;
const registry = () => new DriverRegistry(BUILTIN_DRIVERS, { stateDir: tmp, log: silentLogger() });
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'reef-catalog-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('catalog entries', () => {
  it('ships the examples, each compiling for every cloud it names', () => {
    const cat = loadCatalog([builtinCatalogDir()], registry().resourceSchemas());
    expect(builtinCatalogDir()).toBe(join(ROOT, 'examples'));
    const names = cat.entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['autodock-vina', 'dummy-cluster', 'docker-ping', 'docker-cluster', 'docker-helloworld']));
    const vina = cat.require('autodock-vina');
    expect(Object.keys(vina.clouds).sort()).toEqual(['docker', 'dummy']);
    expect(vina.instances).toBe(4); // generator + collector + 2 workers by default
    expect(vina.nodes.find((n) => n.name === 'worker')).toMatchObject({ min: 1, max: 8, dependsOn: ['generator', 'collector'] });
    expect(() => cat.require('nope')).toThrow(/no catalog entry "nope" \(entries: autodock-vina, /);
  });

  it('types values from --set and from JSON alike, and refuses bad ones naming the field', () => {
    const vina = loadCatalog([builtinCatalogDir()], registry().resourceSchemas()).require('autodock-vina');
    const fromCli = resolveInputs(vina, parseSetArgs(['workers=3', 'exhaustiveness=4', 'ligands=5'], '<command line>').values, '<command line>');
    const fromApi = resolveInputs(vina, { workers: 3, exhaustiveness: '4', ligands: 5 }, '<request body>');
    expect(fromCli.problems).toEqual([]);
    expect(fromCli.inputs).toEqual(fromApi.inputs);
    expect(fromCli.inputs).toEqual({ variables: { ligands: 5, unit_size: 2, exhaustiveness: 4, seed: 42 }, scales: { worker: 3 } });

    const bad = resolveInputs(vina, { workers: '9', exhaustiveness: '1.5', seed: 'x', wrokers: 1 }, '<request body>').problems;
    expect(bad.map((d) => `${d.message} (${d.path})`).sort()).toEqual([
      'autodock-vina: exhaustiveness must be a whole number, got "1.5" (variables.exhaustiveness)',
      'autodock-vina: no variable "wrokers" (did you mean "workers"?) (variables.wrokers)',
      'autodock-vina: seed must be a whole number, got "x" (variables.seed)',
      'autodock-vina: workers must be at most 8, got "9" (variables.workers)',
    ]);
    expect(parseSetArgs(['novalue', 'a=1', 'a=2'], '<command line>').problems.map((d) => d.message)).toEqual(['--set "novalue" is not KEY=VALUE', '--set a is given twice']);
  });

  it('writes the values where the templates read them, for the chosen cloud', () => {
    const cat = loadCatalog([builtinCatalogDir()], registry().resourceSchemas());
    const { spec, scales } = compileEntry(cat.require('autodock-vina'), 'docker', { exhaustiveness: 3, workers: 5, ligands: 4 }, { resourceSchemas: registry().resourceSchemas(), where: '<test>', id: 'vina-x' });
    expect(spec.id).toBe('vina-x');
    expect(spec.variables).toMatchObject({ exhaustiveness: 3, ligands: 4, seed: 42 });
    expect(spec.nodes.find((n) => n.name === 'worker')!.variables).toMatchObject({ exhaustiveness: 3 });
    expect(spec.nodes[0].implementations[0].resource.type).toBe('docker');
    expect(scales).toEqual({ worker: 5 });
    expect(() => compileEntry(cat.require('dummy-cluster'), 'docker', {}, { resourceSchemas: registry().resourceSchemas(), where: '<test>' }))
      .toThrow('<test>: dummy-cluster cannot be deployed on "docker" (clouds: dummy) (field cloud)');
    expect(() => compileEntry(cat.require('dummy-cluster'), 'dummy', { workers: 2 }, { resourceSchemas: registry().resourceSchemas(), where: '<test>' }))
      .toThrow('workers must be at least 3, got 2');
  });

  it("an operator's folder adds entries and replaces shipped ones of the same name; a broken one is refused with its place", () => {
    const own = join(tmp, 'own');
    cpSync(join(ROOT, 'examples/dummy-cluster'), join(own, 'dummy-cluster'), { recursive: true });
    writeFileSync(join(own, 'dummy-cluster/catalog.yaml'), 'title: Mine\ndescription: my own\ninfra: infra.yaml\nclouds:\n  dummy:\n    nodes: nodes.yaml\n');
    const cat = loadCatalog([builtinCatalogDir(), own], registry().resourceSchemas());
    expect(cat.require('dummy-cluster').title).toBe('Mine');
    expect(cat.require('dummy-cluster').instances).toBe(4);

    const broken = join(tmp, 'broken');
    mkdirSync(join(broken, 'x'), { recursive: true });
    cpSync(join(ROOT, 'examples/dummy-cluster/infra.yaml'), join(broken, 'x/infra.yaml'));
    writeFileSync(join(broken, 'x/catalog.yaml'), 'title: X\ndescription: x\ninfra: infra.yaml\nclouds:\n  dummy:\n    nodes: missing.yaml\nvariables:\n  n:\n    type: integer\n    default: 0\n    min: 1\n');
    expect(() => loadCatalog([broken], registry().resourceSchemas())).toThrow(/catalog\.yaml:6:12: no such file missing\.yaml beside the entry \(field clouds\.dummy\.nodes\)/);
    expect(() => loadCatalog([broken], registry().resourceSchemas())).toThrow(/catalog\.yaml:10:14: the default does not fit its own rules: it must be at least 1, got 0 \(field variables\.n\.default\)/);
    expect(() => loadCatalog([join(tmp, 'nowhere')], registry().resourceSchemas())).toThrow(/nowhere: catalog folder: no such directory/);
  });
});

describe('deploy targets', () => {
  it('are the credential-free clouds by their own name, and the named resource entries of auth files', () => {
    expect(localTargets(['docker', 'ec2', 'dummy', 'docker'])).toEqual([{ name: 'docker', cloud: 'docker' }, { name: 'dummy', cloud: 'dummy' }]);
    const auth = { resource: [{ type: 'ec2', name: 'lab-ec2', auth_data: { accessKeyId: 'A', secretAccessKey: 'S' } }, { type: 'nova', auth_data: {} }], config_management: [] };
    expect(authTargets(auth, '/etc/reef/auth.yaml')).toEqual([{ name: 'lab-ec2', cloud: 'ec2', authPath: '/etc/reef/auth.yaml' }]);
  });
});

describe('catalog API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    const entries = loadCatalog([builtinCatalogDir()], registry().resourceSchemas());
    h = await apiHarness({ catalog: { entries, targets: [...localTargets(['dummy']), { name: 'lab-docker', cloud: 'docker', authPath: '/secret/place/auth.yaml' }] } });
  });
  afterAll(async () => h?.close());

  it('lists entries and targets without any server path', async () => {
    const res = await h.api.inject({ method: 'GET', url: '/v1/catalog', headers: AUTH });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.targets).toEqual([{ name: 'dummy', cloud: 'dummy' }, { name: 'lab-docker', cloud: 'docker' }]);
    const vina = body.entries.find((e: { name: string }) => e.name === 'autodock-vina');
    expect(vina).toMatchObject({ title: 'AutoDock Vina virtual screening', clouds: ['docker', 'dummy'], size: { instances: 4 } });
    expect(vina.variables.workers).toMatchObject({ type: 'integer', default: 2, min: 1, max: 8, scales: 'worker' });
    expect(res.body).not.toContain('/secret/place');
    expect(res.body).not.toContain(ROOT);
    expect((await h.api.inject({ method: 'GET', url: '/v1/catalog' })).statusCode).toBe(401);
  });

  it('deploys an entry on a named target with the values, as the CLI would check them', async () => {
    const res = await h.api.inject({ method: 'POST', url: '/v1/catalog/autodock-vina/deploy', headers: AUTH, payload: { target: 'dummy', variables: { workers: '3', exhaustiveness: 2 } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ infraid: 'autodock-vina', created: true, entry: 'autodock-vina', target: 'dummy', scales: { worker: 3 } });
    const s = await h.waitFor('autodock-vina', (b) => b.converged);
    expect(s.nodes.find((n) => n.name === 'worker')).toMatchObject({ target: 3, ready: 3 });
    expect((await h.store.getInfra('autodock-vina'))!.spec.variables).toMatchObject({ exhaustiveness: 2 });

    // the name is taken: a second click makes a second infra
    const again = await h.api.inject({ method: 'POST', url: '/v1/catalog/autodock-vina/deploy', headers: AUTH, payload: { target: 'dummy' } });
    expect(again.json().infraid).toMatch(/^autodock-vina-[0-9a-f]{8}$/);

    const bad = await h.api.inject({ method: 'POST', url: '/v1/catalog/autodock-vina/deploy', headers: AUTH, payload: { target: 'dummy', id: 'vina-bad', variables: { workers: 'lots' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('<request body>: autodock-vina: workers must be a whole number, got "lots" (field variables.workers)');
    expect(await h.store.getInfra('vina-bad')).toBeUndefined();

    const target = await h.api.inject({ method: 'POST', url: '/v1/catalog/autodock-vina/deploy', headers: AUTH, payload: { target: '/etc/passwd' } });
    expect(target.statusCode).toBe(400);
    expect(target.json().message).toBe('no target "/etc/passwd" (targets: dummy, lab-docker)');
    const cloud = await h.api.inject({ method: 'POST', url: '/v1/catalog/dummy-cluster/deploy', headers: AUTH, payload: { target: 'lab-docker' } });
    expect(cloud.statusCode).toBe(400);
    expect(cloud.json().message).toContain('dummy-cluster cannot be deployed on "docker"');
    expect((await h.api.inject({ method: 'POST', url: '/v1/catalog/nope/deploy', headers: AUTH, payload: { target: 'dummy' } })).statusCode).toBe(404);
    // a path in the request is never used (fastify drops keys the schema does not know); the target decides
    const path = await h.api.inject({ method: 'POST', url: '/v1/catalog/dummy-cluster/deploy', headers: AUTH, payload: { target: 'dummy', id: 'dc-path', authPath: '/x' } });
    expect(path.statusCode).toBe(200);
    expect((await h.store.getInfra('dc-path'))!.authPath).toBeUndefined();
  });
});

describe('reef catalog / reef deploy', () => {
  it('lists the catalog and deploys an entry with --set, refusing bad values with exit 2 and changing nothing', () => {
    const dir = join(tmp, 'cli');
    mkdirSync(dir);
    const list = reef(dir, ['catalog']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/autodock-vina\s+AutoDock Vina virtual screening\s+docker,dummy\s+4\s+workers=2 ligands=0/);
    expect(JSON.parse(reef(dir, ['catalog', '-o', 'json']).stdout).entries.map((e: { name: string }) => e.name)).toContain('dummy-cluster');

    const bad = reef(dir, ['deploy', 'autodock-vina', '--cloud', 'dummy', '--set', 'workers=0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('<command line>: autodock-vina: workers must be at least 1, got "0" (field variables.workers)');
    expect(reef(dir, ['deploy', 'autodock-vina', '--cloud', 'azure']).stderr.trim()).toBe('<command line>: autodock-vina cannot be deployed on "azure" (clouds: docker, dummy) (field cloud)');
    expect(reef(dir, ['status']).stdout.trim()).toBe('no infrastructures');

    const ok = reef(dir, ['deploy', 'autodock-vina', '--cloud', 'dummy', '--set', 'workers=2', '--set', 'ligands=3', '--id', 'vina-cli', '--wait']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/worker 2\/2 ready \[1\.\.8\]/);
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('vina-cli');
    expect(reef(dir, ['destroy', 'vina-cli', '--wait']).code).toBe(0);
  }, 180_000);
});
