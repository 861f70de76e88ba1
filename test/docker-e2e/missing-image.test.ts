/**
 * An image the engine does not have (origin: local, so nothing is pulled): `apply --wait` gives up with exit 1,
 * the node is reported failed with Docker's own words, and no container of the infra is left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containersOf, engine, explain, logsJson, requireEngine, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('noimage');
const image = `reef-test/${id}`; // unique, so certainly absent

beforeAll(async () => {
  await requireEngine();
  await expect(engine.getImage(`${image}:latest`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  writeFileSync(join(ws.dir, 'infra.yaml'), `infra_name: ${id}\nnodes:\n  - name: ghost\n    type: ghost_node\n`);
  writeFileSync(join(ws.dir, 'nodes.yaml'), [
    "'node_def:ghost_node':",
    '  - resource:',
    '      type: docker',
    '      endpoint: unix:///var/run/docker.sock',
    '      origin: local',
    `      image: ${image}`,
    '      tag: latest',
    '    contextualisation:',
    '      type: docker',
    "      command: [ sleep, '3600' ]",
    '',
  ].join('\n'));
});
afterAll(() => ws.cleanup([id]));

describe('an image that does not exist', () => {
  it('apply --wait exits 1, the node failed with "No such image", nothing left', async () => {
    const started = Date.now();
    const r = ws.cli(['apply', join(ws.dir, 'infra.yaml'), '--nodes', join(ws.dir, 'nodes.yaml'), '--wait', '--timeout', '60']);
    console.info(`[e2e] missing image: apply --wait gave up after ${Date.now() - started} ms`);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stdout).toContain(`${id}: node ghost failed:`);
    expect(r.stdout).toContain(`No such image: ${image}:latest`);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace

    const status = ws.cli(['status', id]);
    expect(status.code, explain(status)).toBe(0);
    expect(status.stdout).toMatch(/ghost 0\/1 ready \[1\.\.1\] FAILED: .*No such image/);

    const failed = logsJson(ws, id).filter((e) => e.kind === 'node.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toContain('No such image');

    expect(await containersOf(id)).toEqual([]);
  });
});
