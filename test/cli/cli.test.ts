import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reef, reefAsync, ROOT } from '../helpers/cli.js';
import { openDummyCloud } from '../../src/reconcilers/dummy/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reef-cli-'));
  cpSync(join(ROOT, 'test/fixtures/cli'), dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cloudIds = () => {
  const cloud = openDummyCloud(join(dir, '.reef'), 'default');
  try {
    return cloud.all('cli-demo').map((r) => r.labels.instance).sort();
  } finally {
    cloud.close();
  }
};
const statusJson = () => JSON.parse(reef(dir, ['status', 'cli-demo', '-o', 'json']).stdout);

describe('reef CLI on the dummy cloud', () => {
  it('validates, applies, reports in Occopus shape, and logs transitions as JSON', () => {
    const v = reef(dir, ['validate', 'infra.yaml', '--nodes', 'nodes.yaml']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('ok');

    const a = reef(dir, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait', '-o', 'json']);
    expect(a.stderr).not.toMatch(/at .*\.js:\d+/); // no stack traces
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual({ infraid: 'cli-demo' });

    const s = statusJson();
    expect(s.head.scaling).toEqual({ actual: 1, target: 1, min: 1, max: 1 });
    expect(s.worker.scaling).toEqual({ actual: 2, target: 2, min: 2, max: 6 });
    const workers = Object.values(s.worker.instances) as Array<{ state: string; resource_address: string }>;
    expect(workers.map((w) => w.state)).toEqual(['ready', 'ready']);
    expect(workers[0].resource_address).toMatch(/^10\.77\./);
    expect(cloudIds()).toHaveLength(3);

    const logs = reef(dir, ['logs', 'cli-demo', '-o', 'json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const transitions = logs.filter((e) => e.kind === 'instance.transition');
    for (const e of transitions) expect(Object.keys(e)).toEqual(expect.arrayContaining(['time', 'infra', 'node', 'instance', 'from', 'to']));
    // each instance's way, in order (the dummy's create answers "running", so none waits in booting)
    const ways = new Map<string, string[]>();
    for (const e of transitions) ways.set(e.instance, [...(ways.get(e.instance) ?? []), `${e.from}→${e.to}`]);
    expect([...ways.values()]).toEqual(Array(3).fill(['pending→contextualising', 'contextualising→creating', 'creating→checking', 'checking→ready']));
  });

  it('a second apply of the unchanged file changes nothing in the cloud', () => {
    const before = cloudIds();
    const eventsBefore = reef(dir, ['logs', 'cli-demo', '-o', 'json']).stdout.trim().split('\n').length;
    const a = reef(dir, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait']);
    expect(a.code).toBe(0);
    expect(a.stderr).toContain('unchanged');
    expect(cloudIds()).toEqual(before);
    const after = reef(dir, ['logs', 'cli-demo', '-o', 'json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(after.slice(eventsBefore).filter((e) => e.kind === 'instance.transition')).toEqual([]);
  });

  it('scales with --to, --by and --instance, and refuses out-of-range targets', () => {
    expect(reef(dir, ['scale', 'cli-demo', 'worker', '--to', '5', '--wait']).code).toBe(0);
    expect(cloudIds()).toHaveLength(6);
    expect(reef(dir, ['scale', 'cli-demo', 'worker', '--by', '-1', '--wait']).code).toBe(0);
    expect(statusJson().worker.scaling.actual).toBe(4);

    const victim = Object.keys(statusJson().worker.instances)[0];
    const named = reef(dir, ['scale', 'cli-demo', 'worker', '--instance', victim, '--wait']);
    expect(named.code).toBe(0);
    expect(Object.keys(statusJson().worker.instances)).not.toContain(victim);
    expect(cloudIds()).not.toContain(victim);

    const tooMany = reef(dir, ['scale', 'cli-demo', 'worker', '--to', '9']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr.trim()).toBe('worker: target 9 is outside [2, 6]');
  });

  it('re-apply with changed min/max reconciles the running infra', () => {
    const edited = readFileSync(join(dir, 'infra.yaml'), 'utf8').replace('scaling: { min: 2, max: 6 }', 'scaling: { min: 4, max: 8 }');
    writeFileSync(join(dir, 'infra-edited.yaml'), edited);
    const a = reef(dir, ['apply', 'infra-edited.yaml', '--nodes', 'nodes.yaml', '--wait']);
    expect(a.code).toBe(0);
    expect(statusJson().worker.scaling).toEqual({ actual: 4, target: 4, min: 4, max: 8 });
  });

  it('bad input exits 2 with one line naming file, line and field, and changes nothing', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'infra_name: cli-demo\nnodes:\n  - name: head\n    type: head_node\n    scalling: {min: 1}\n');
    const before = cloudIds();
    const r = reef(dir, ['apply', 'bad.yaml', '--nodes', 'nodes.yaml', '--wait']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^bad\.yaml:5:5: .*scalling.*did you mean "scaling"/);
    expect(cloudIds()).toEqual(before);
    expect(statusJson().worker.scaling.target).toBe(4);
    expect(reef(dir, ['status', 'nope']).code).toBe(2);
    const missing = reef(dir, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--auth', 'no-such-auth.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('no-such-auth.yaml: cannot read the file: no such file');
  });

  it('destroy --wait leaves nothing in the cloud', () => {
    const d = reef(dir, ['destroy', 'cli-demo', '--wait']);
    expect(d.code).toBe(0);
    expect(cloudIds()).toEqual([]);
  });
});

describe('kill -9 mid-apply, then a resuming apply', () => {
  it('converges without duplicated or leaked instances', async () => {
    const work = mkdtempSync(join(tmpdir(), 'reef-kill-'));
    try {
      writeFileSync(join(work, 'infra.yaml'), 'infra_name: crashy\nnodes:\n  - name: w\n    type: slow\n    scaling: {min: 8, max: 8}\n');
      writeFileSync(join(work, 'nodes.yaml'), "'node_def:slow':\n  - resource: { type: dummy, create_delay: 150, boot_delay: 200 }\n");
      const child = reefAsync(work, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait']);
      // kill once some creates have reached the cloud but not all
      const cloudCount = () => { const c = openDummyCloud(join(work, '.reef'), 'default'); try { return c.count('crashy'); } finally { c.close(); } };
      for (let i = 0; i < 200 && cloudCount() === 0; i++) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const resumed = reef(work, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait']);
      expect(resumed.code).toBe(0);
      const c = openDummyCloud(join(work, '.reef'), 'default');
      const inCloud = c.all('crashy').map((r) => r.labels.instance);
      c.close();
      const inStore = Object.keys(JSON.parse(reef(work, ['status', 'crashy', '-o', 'json']).stdout).w.instances);
      expect(inCloud).toHaveLength(8);
      expect(new Set(inCloud).size).toBe(8);
      expect(inCloud.sort()).toEqual(inStore.sort());
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
