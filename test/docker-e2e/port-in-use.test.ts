/**
 * A node that publishes a fixed host port someone else already holds: Docker refuses the start with a 500
 * ("port is already allocated"). reef treats that as fatal (REEF_DOCKER_PORT_IN_USE): `apply --wait` gives up at
 * once instead of retrying until its timeout, with Docker's words, and leaves no half-created container.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containersOf, engine, example, explain, requireEngine, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('port');
const BLOCKER_LABEL = 'reef-e2e.blocker';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let port = 0;
beforeAll(async () => {
  await requireEngine();
  port = await freePort();
  // the other holder: a container of this suite's own (not labelled as reef's)
  const blocker = await engine.createContainer({
    Image: 'reef-test/busybox:latest',
    Cmd: ['sleep', '600'],
    Labels: { [BLOCKER_LABEL]: id },
    ExposedPorts: { '80/tcp': {} },
    HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
  });
  await blocker.start();
  const nodes = readFileSync(example('docker-helloworld', 'nodes.yaml'), 'utf8');
  if (!nodes.includes('"127.0.0.1::80"')) throw new Error('examples/docker-helloworld/nodes.yaml changed: expected ports "127.0.0.1::80"');
  writeFileSync(join(ws.dir, 'nodes.yaml'), nodes.replace('"127.0.0.1::80"', `"127.0.0.1:${port}:80"`));
});

afterAll(async () => {
  const blockers = await engine.listContainers({ all: true, filters: { label: [`${BLOCKER_LABEL}=${id}`] } });
  await Promise.all(blockers.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  await ws.cleanup([id]);
});

describe('a fixed host port already in use', () => {
  it('apply --wait fails the node at once with Docker\'s message and leaves no container', async () => {
    const started = Date.now();
    const r = ws.cli(['apply', example('docker-helloworld', 'infra.yaml'), '--nodes', join(ws.dir, 'nodes.yaml'), '--id', id, '--wait', '--timeout', '60']);
    const tookMs = Date.now() - started;
    console.info(`[e2e] port in use: apply --wait gave up after ${tookMs} ms`);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stdout).toContain(`${id}: node helloworld failed: REEF_DOCKER_PORT_IN_USE`);
    expect(r.stdout).toContain(`Bind for 127.0.0.1:${port} failed: port is already allocated`);
    expect(tookMs).toBeLessThan(30_000); // not retried until --timeout (60 s)
    expect(await containersOf(id)).toEqual([]);
  });
});
