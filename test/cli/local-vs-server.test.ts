/**
 * A local command and the same command with --server give the same output: both call the operations layer
 * (src/ops/) and print its views. A `reef serve` subprocess reconciles; the local commands read the same store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reef, ROOT } from '../helpers/cli.js';
import { startServe, type ServeProcess } from '../helpers/serve.js';

let dir: string;
let server: ServeProcess | undefined;
const local = (...args: string[]) => reef(dir, args);
const remote = (...args: string[]) => reef(dir, ['--server', server!.url, ...args]);
/** the AGE column is the only one that may tick between two runs */
const ageless = (s: string) => s.replace(/\b\d+[smhd]\b/g, 'AGE');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reef-same-'));
  cpSync(join(ROOT, 'examples/dummy-cluster'), dir, { recursive: true });
  server = await startServe(dir);
  expect(remote('import', 'nodes.yaml').code).toBe(0);
  expect(remote('apply', 'infra.yaml', '--wait').code).toBe(0);
}, 120_000);
afterAll(() => {
  server?.proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('local and --server output agree', () => {
  const same = (...args: string[]) => {
    const l = local(...args);
    const r = remote(...args);
    expect({ code: r.code, stdout: ageless(r.stdout), stderr: r.stderr }).toEqual({ code: l.code, stdout: ageless(l.stdout), stderr: l.stderr });
    return l;
  };

  it('status (list, one infra, -o json)', () => {
    expect(same('status').stdout).toContain('dummy-cluster');
    expect(same('status', '-o', 'json').stdout).toContain('"infrastructures"');
    expect(same('status', 'dummy-cluster').stdout).toContain('worker 3/3 ready [3..10]');
    expect(JSON.parse(same('status', 'dummy-cluster', '-o', 'json').stdout).worker.scaling).toEqual({ actual: 3, target: 3, min: 3, max: 10 });
  });

  it('logs (all, --tail, -o json)', () => {
    expect(same('logs', 'dummy-cluster').stdout).toContain('→ ready');
    expect(same('logs', 'dummy-cluster', '--tail', '3').stdout.trim().split('\n')).toHaveLength(3);
    expect(same('logs', 'dummy-cluster', '--tail', '2', '-o', 'json').stdout.trim().split('\n').map((l) => JSON.parse(l).kind)).toHaveLength(2);
  });

  it('the errors a person makes', () => {
    expect(same('status', 'no-such-infra').code).toBe(2);
    expect(same('scale', 'dummy-cluster', 'worker', '--to', '11').stderr.trim()).toBe('worker: target 11 is outside [3, 10]');
    expect(same('scale', 'dummy-cluster', 'nobody', '--to', '1').code).toBe(2);
    expect(same('scale', 'dummy-cluster', 'worker', '--instance', 'no-such-instance').code).toBe(2);
  });

  it('scale -o json, then the same status', () => {
    const l = local('scale', 'dummy-cluster', 'worker', '--to', '4', '-o', 'json');
    const r = remote('scale', 'dummy-cluster', 'worker', '--to', '4', '-o', 'json');
    expect([l.code, l.stdout]).toEqual([r.code, r.stdout]);
    expect(JSON.parse(r.stdout)).toEqual({ infraid: 'dummy-cluster', node: 'worker', target: 4 });
  });
});
