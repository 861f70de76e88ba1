/** reef diff / apply --dry-run against what a real apply then does, on the dummy cloud. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reef, ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reef-diff-'));
  cpSync(join(ROOT, 'examples/dummy-cluster'), dir, { recursive: true });
  // no delays: this suite is about what changes, not how fast
  writeFileSync(join(dir, 'nodes.yaml'), readFileSync(join(dir, 'nodes.yaml'), 'utf8').replace(/(create|boot)_delay: \d+/g, '$1_delay: 0'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const diffJson = (...extra: string[]) => {
  const r = reef(dir, ['diff', 'infra.yaml', '--nodes', 'nodes.yaml', '-o', 'json', ...extra]);
  return { code: r.code, d: JSON.parse(r.stdout) };
};
const instances = () => {
  const s = JSON.parse(reef(dir, ['status', 'dummy-cluster', '-o', 'json']).stdout) as Record<string, { instances: Record<string, unknown> }>;
  return Object.fromEntries(Object.entries(s).map(([n, v]) => [n, Object.keys(v.instances)]));
};

describe('reef diff', () => {
  it('before the first apply: everything to create, exit 3; apply --dry-run says the same and stores nothing', () => {
    const { code, d } = diffJson();
    expect(code).toBe(3);
    expect(d.status).toBe('new');
    expect(d.totals).toEqual({ create: 4, remove: 0, roll: 0 });
    const dry = reef(dir, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--dry-run']);
    expect(dry.code).toBe(3);
    expect(dry.stdout).toContain('reef apply would create infra dummy-cluster');
    expect(dry.stdout).toContain('Plan: 4 to create, 0 to remove.');
    expect(reef(dir, ['status', 'dummy-cluster']).code).toBe(2); // still unknown
  });

  it('after the apply: no changes, exit 0', () => {
    expect(reef(dir, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait']).code).toBe(0);
    const r = reef(dir, ['diff', 'infra.yaml', '--nodes', 'nodes.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No changes\. Infra dummy-cluster matches the file/);
  });

  it('a changed variable and a raised minimum: the diff names what the apply then does', () => {
    writeFileSync(join(dir, 'infra.yaml'), readFileSync(join(dir, 'infra.yaml'), 'utf8').replace('worker_threads: 8', 'worker_threads: 16').replace('min: 3', 'min: 4'));
    const before = instances();
    const { code, d } = diffJson();
    expect(code).toBe(3);
    const worker = d.nodes.find((n: { name: string }) => n.name === 'worker');
    expect(worker).toMatchObject({ change: 'update', target: { from: 3, to: 4 }, roll: 3, create: 4, definitionChanged: true, variables: [{ key: 'worker_threads', from: 8, to: 16 }] });
    expect(worker.remove.map((r: { instance: string }) => r.instance).sort()).toEqual([...before.worker].sort());
    expect(d.nodes.find((n: { name: string }) => n.name === 'head').change).toBe('none');
    const text = reef(dir, ['diff', 'infra.yaml', '--nodes', 'nodes.yaml']).stdout;
    expect(text).toContain('~ worker   target 3 → 4   [3..10] → [4..10]');
    expect(text).toContain('worker_threads: 8 → 16');

    expect(reef(dir, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait', '--timeout', '120']).code).toBe(0);
    const after = instances();
    expect(after.head).toEqual(before.head);
    expect(after.worker).toHaveLength(4);
    expect(after.worker.filter((id) => before.worker.includes(id))).toEqual([]); // all three rolled
    expect(diffJson().code).toBe(0);
  });

  it('bad input is exit 2 with one line, not a diff', () => {
    const r = reef(dir, ['diff', 'missing.yaml', '--nodes', 'nodes.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
