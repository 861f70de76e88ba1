/**
 * `reef occopus build|destroy|import|maintain|scale` with Occopus's flags, as scripts call them, on the dummy cloud:
 * import prints "Successfully imported nodes", build prints the infra id on its last line, the id (mapped from
 * Occopus's `-i my_fixed_id`) works for scale, maintain and destroy; destroy of an unknown id exits 0 as Occopus did.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reef, ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'reef-occopus-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = join(ROOT, 'examples', 'dummy-cluster');
const occopus = (...args: string[]) => reef(example, ['--state', join(dir, 'state.db'), '--log-level', 'warn', 'occopus', ...args]);
const lastLine = (s: string) => s.trimEnd().split('\n').at(-1);

describe('reef occopus', () => {
  it('import, build -i, scale -c/-s, maintain -l/-o/-r, destroy -i', () => {
    const imported = occopus('import', 'nodes.yaml');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('Successfully imported nodes: dummy_head_node, dummy_worker_node\n');

    const auth = join(dir, 'auth_data.yaml');
    writeFileSync(auth, 'resource:\n  - type: dummy\n    auth_data: {}\n');
    const built = occopus('build', '--parallelize', '-i', 'my_fixed_id', '-a', auth, '--cfg', 'ignored.yaml', 'infra.yaml');
    expect(built.code, built.stderr).toBe(0);
    expect(lastLine(built.stdout)).toBe('my-fixed-id');

    const up = occopus('scale', '-i', 'my_fixed_id', '-n', 'worker', '-c', '+1');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/worker 4\/4 ready/);
    const to = occopus('scale', '-i', 'my_fixed_id', '-n', 'worker', '-s', '3');
    expect(to.code, to.stderr).toBe(0);
    expect(to.stdout).toMatch(/worker 3\/3 ready/);

    expect(occopus('maintain', '-l').stdout).toBe('my-fixed-id\n');
    const out = join(dir, 'addresses.txt');
    const maintained = occopus('maintain', '-i', 'my_fixed_id', '-o', out, '-f', 'worker');
    expect(maintained.code, maintained.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^10\.77\.\d+\.\d+$/);
    const report = occopus('maintain', '-i', 'my_fixed_id', '-r');
    expect(report.stdout.trimEnd().split('\n').map((l) => l.split(' ')[0]).sort()).toEqual(['head', 'worker', 'worker', 'worker']);
    const pass = occopus('maintain', '-i', 'my_fixed_id');
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toContain('my-fixed-id: ready');

    const destroyed = occopus('destroy', '-i', 'my_fixed_id');
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(lastLine(destroyed.stdout)).toBe('my-fixed-id: destroyed');
  }, 120_000);

  it('build without -i makes a new uuid infra each time, as Occopus; destroy of an unknown id exits 0', () => {
    occopus('import', 'nodes.yaml');
    const first = occopus('build', 'infra.yaml');
    expect(first.code, first.stderr).toBe(0);
    const id = lastLine(first.stdout)!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(occopus('destroy', '-i', id).code).toBe(0);
    const unknown = occopus('destroy', '-i', 'no_such_infra');
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toContain('Unknown infrastructure no_such_infra');
  }, 120_000);

  it('refuses a scale with none or two of -c/-s/-f (exit 2, nothing changed)', () => {
    const r = occopus('scale', '-i', 'x', '-n', 'worker', '-c', '1', '-s', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give exactly one of -c/--changescale');
  });
});
