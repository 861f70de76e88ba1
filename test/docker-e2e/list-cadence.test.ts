/**
 * While containers come up, Docker's events and create's own answers tell reef what happens: a 10-container apply
 * lists the engine when it starts and once the burst has settled (plus a safety-net list per poll period, 1 s),
 * not once per container turning ready, and still ends with every container running and confirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, containersOf, explain, requireEngine, statusJson, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('cadence');
const dir = join(ROOT, 'bench', 'docker', 'helloworld');

beforeAll(requireEngine);
afterAll(() => ws.cleanup([id]));

describe('docker lists while instances change', () => {
  it('a 10-container apply lists at its start, after the burst and once a second, not per container', () => {
    const started = Date.now();
    // docker-modem's debug output names every request it sends
    const r = ws.cli(['apply', join(dir, 'infra.yaml'), '--nodes', join(dir, 'nodes.yaml'), '--id', id, '--wait', '--timeout', '60'], { DEBUG: 'modem' });
    const wallMs = Date.now() - started;
    expect(r.code, explain(r)).toBe(0);
    const lists = r.stderr.split('\n').filter((l) => l.includes("path: '/containers/json?")).length;
    const creates = r.stderr.split('\n').filter((l) => l.includes('path: "/containers/create?')).length;
    console.info(`[e2e] 10 containers in ${wallMs} ms: ${creates} creates, ${lists} lists`);
    expect(creates).toBe(10);
    // before: one list per tick, and a tick per container turning ready (11 or more in a 2 s apply)
    expect(lists).toBeLessThanOrEqual(3 + Math.ceil(wallMs / 1000));
    const report = statusJson(ws, id);
    expect(Object.values(report.helloworld.instances).map((i) => i.state)).toEqual(Array(10).fill('ready'));
  });

  it('every container runs, one per instance', async () => {
    const running = (await containersOf(id)).filter((c) => c.State === 'running');
    expect(running).toHaveLength(10);
    expect(new Set(running.map((c) => c.Labels['reef.instance'])).size).toBe(10);
  });
});
