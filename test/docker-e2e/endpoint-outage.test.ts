/**
 * An endpoint outage belongs to the endpoint: a Docker endpoint (a tcp:// proxy in front of the real engine) goes
 * away while an instance waits on it. The instance is held, not failed and replaced; status, logs and the runtime
 * say "endpoint X unreachable since T: <Docker's words>" within 30 s; `apply --wait --endpoint-wait N` exits 1
 * after N s; when the endpoint answers again, reef resumes by itself.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.js';
import { compileInfra } from '../../src/schemas/index.js';
import type { Controller } from '../../src/controller/controller.js';
import { tcpProxy, type TcpProxy } from '../docker/tcp-proxy.js';
import { eventually, requireEngine, sweep, uniqueId, workspace, type Workspace } from './e2e.js';

const served = uniqueId('outage');
const cli = uniqueId('outage-cli');
let h: Harness;
let proxy: TcpProxy;
let ws: Workspace;
let controller: Controller;

const infraYaml = (id: string) => `infra_name: ${id}\nnodes:\n  - name: w\n    type: outage_node\n    scaling: { min: 1, max: 3 }\n`;
const nodesYaml = (endpoint: string) => `'node_def:outage_node':
  - resource:
      type: docker
      endpoint: ${endpoint}
      origin: local
      image: reef-test/busybox
      tag: latest
    contextualisation:
      type: docker
      command: [ sleep, '3600' ]
    health_check:
      timeout: 5
`;

beforeAll(async () => {
  await requireEngine();
  proxy = await tcpProxy();
  h = harness();
  ws = workspace();
  writeFileSync(join(h.dir, 'infra.yaml'), infraYaml(served));
  writeFileSync(join(h.dir, 'nodes.yaml'), nodesYaml(proxy.endpoint));
  const spec = compileInfra({ infraFile: join(h.dir, 'infra.yaml'), nodesFile: join(h.dir, 'nodes.yaml'), resourceSchemas: h.registry.resourceSchemas() });
  await h.store.putInfra(spec);
  controller = h.controller({ backoff: { baseMs: 200, maxMs: 1000 } });
  await controller.serve();
}, 120_000);

afterAll(async () => {
  await proxy?.open().catch(() => undefined);
  await h?.close();
  await ws?.cleanup([cli]);
  await sweep(served);
  await proxy?.close();
});

const live = async () => (await h.store.listInstances(served)).filter((i) => !i.destroyReason);

describe('a Docker endpoint that goes away and comes back', () => {
  it('holds the waiting instance, says why within 30 s, and resumes by itself', async () => {
    await eventually('one ready instance', async () => ((await live()).filter((i) => i.state === 'ready').length === 1 ? true : undefined), 60_000);

    await proxy.close();
    const down = Date.now();
    await h.store.setTarget(served, 'w', 2);
    const said = await eventually('the runtime says the endpoint is unreachable', async () =>
      controller.statusOf(served)?.errors.find((e) => e.since !== undefined), 30_000, 100);
    expect(Date.now() - down).toBeLessThan(30_000);
    expect(said.message).toMatch(new RegExp(`^endpoint ${proxy.endpoint.replace(/[.]/g, '\\.')} unreachable since \\d{4}-\\d\\d-\\d\\dT[^ ]+Z: .+`));
    const events = await h.store.listEvents({ infra: served });
    expect(events.filter((e) => e.kind === 'endpoint.unreachable')).toHaveLength(1);

    // well past health_check.timeout (5 s): the waiting instance is held, nothing failed, nothing was replaced
    const waiting = await eventually('the new instance waits on the endpoint', async () => (await live()).find((i) => i.state !== 'ready'), 10_000);
    await new Promise((r) => setTimeout(r, 9000));
    const rows = await live();
    expect(rows).toHaveLength(2);
    expect(rows.map((i) => i.id)).toContain(waiting.id);
    expect(rows.find((i) => i.id === waiting.id)!.lastError?.message).toContain('unreachable since');
    const after = await h.store.listEvents({ infra: served });
    expect(after.filter((e) => e.to === 'failed')).toEqual([]);
    expect(after.filter((e) => e.kind === 'endpoint.unreachable')).toHaveLength(1);

    await proxy.open();
    await eventually('both instances ready once the endpoint answers', async () =>
      ((await live()).filter((i) => i.state === 'ready').length === 2 ? true : undefined), 60_000, 200);
    expect((await live()).map((i) => i.id)).toContain(waiting.id);
    await eventually('the status is clear again', async () => (controller.statusOf(served)?.errors.length === 0 ? true : undefined), 10_000);
    expect((await h.store.listEvents({ infra: served })).map((e) => e.kind)).toContain('endpoint.reachable');
  }, 180_000);

  it('apply --wait --endpoint-wait 3 exits 1 after about 3 s, saying which endpoint and why; status and logs say it too', async () => {
    await proxy.close();
    writeFileSync(join(ws.dir, 'infra.yaml'), infraYaml(cli));
    writeFileSync(join(ws.dir, 'nodes.yaml'), nodesYaml(proxy.endpoint));
    const started = Date.now();
    const r = ws.cli(['apply', join(ws.dir, 'infra.yaml'), '--nodes', join(ws.dir, 'nodes.yaml'), '--wait', '--endpoint-wait', '3', '--timeout', '120']);
    const tookMs = Date.now() - started;
    expect(r.code, r.stderr).toBe(1);
    expect(tookMs).toBeLessThan(30_000);
    expect(r.stdout).toContain(`${cli}: gave up waiting: endpoint ${proxy.endpoint} unreachable since `);
    expect(ws.cli(['status', cli]).stdout).toContain(`endpoint ${proxy.endpoint} unreachable since `);
    expect(ws.cli(['logs', cli]).stdout).toContain(`endpoint ${proxy.endpoint} unreachable since `);
    await proxy.open();
  }, 120_000);
});
