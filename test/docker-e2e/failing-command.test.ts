/**
 * A container whose program fails on its own (exit 3): reef replaces it a few times, then reports the node
 * failed. The report carries Docker's exit status and the program's last output, since the failed containers
 * themselves are removed and their logs with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containersOf, explain, logsJson, requireEngine, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('exit3');

beforeAll(async () => {
  await requireEngine();
  writeFileSync(join(ws.dir, 'infra.yaml'), `infra_name: ${id}\nnodes:\n  - name: app\n    type: app_node\n`);
  writeFileSync(join(ws.dir, 'nodes.yaml'), [
    "'node_def:app_node':",
    '  - resource:',
    '      type: docker',
    '      endpoint: unix:///var/run/docker.sock',
    '      origin: local',
    '      image: reef-test/busybox',
    '      tag: latest',
    '    contextualisation:',
    '      type: docker',
    "      command: [ sh, -c, 'echo starting app; echo \"app: cannot read /etc/app.conf\" >&2; exit 3' ]",
    // a check that cannot pass: the instance can only fail (a program that dies within milliseconds can otherwise
    // pass a quick ping first and be reported ready: see the report of this suite)
    '    health_check:',
    '      ports: [ 81 ]',
    '',
  ].join('\n'));
});
afterAll(() => ws.cleanup([id]));

describe('a program that exits with an error', () => {
  it('apply --wait exits 1; the node failure names the exit status and the program\'s last output', async () => {
    const started = Date.now();
    const r = ws.cli(['apply', join(ws.dir, 'infra.yaml'), '--nodes', join(ws.dir, 'nodes.yaml'), '--wait', '--timeout', '60']);
    console.info(`[e2e] exit 3: apply --wait gave up after ${Date.now() - started} ms`);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${id}: node app failed: .*exited \\(3\\)`));
    expect(r.stdout).toContain('app: cannot read /etc/app.conf');

    const failures = logsJson(ws, id).filter((e) => e.kind === 'instance.transition' && e.to === 'failed');
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.message).toMatch(/exited \(3\); last output: .*app: cannot read \/etc\/app\.conf/);
    expect(await containersOf(id)).toEqual([]);
  });
});
