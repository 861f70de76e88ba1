/**
 * Two `reef apply --wait` of the same infra started at once against one store: one process reconciles, the other
 * follows it through the store (the lease), both report success, and Docker holds exactly one set of containers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { reefAsync, ROOT } from '../helpers/cli.js';
import { containersOf, example, requireEngine, statusJson, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('twice');

beforeAll(requireEngine);
afterAll(() => ws.cleanup([id]));

function finished(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('two applies of one infra at once', () => {
  it('both exit 0 and exactly one head and two workers exist', async () => {
    const args = ['--state', ws.state, 'apply', example('docker-cluster', 'infra.yaml'), '--nodes', example('docker-cluster', 'nodes.yaml'), '--id', id, '--wait', '--timeout', '60'];
    const started = Date.now();
    const [a, b] = await Promise.all([finished(reefAsync(ROOT, args)), finished(reefAsync(ROOT, args))]);
    console.info(`[e2e] two concurrent applies done in ${Date.now() - started} ms`);
    expect(a.code, a.output).toBe(0);
    expect(b.code, b.output).toBe(0);
    const containers = await containersOf(id);
    const instances = containers.map((c) => c.Labels['reef.instance']);
    expect(new Set(instances).size).toBe(instances.length);
    expect(containers.filter((c) => c.Labels['reef.node'] === 'head')).toHaveLength(1);
    expect(containers.filter((c) => c.Labels['reef.node'] === 'worker')).toHaveLength(2);
    const report = statusJson(ws, id);
    expect([...Object.keys(report.head.instances), ...Object.keys(report.worker.instances)].sort()).toEqual([...instances].sort());
  });
});
