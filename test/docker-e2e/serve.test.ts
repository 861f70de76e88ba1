/**
 * examples/docker-helloworld under a running `reef serve` (what its README promises): `apply --server URL --wait`
 * hands the infra to the server; a container removed out of band (`docker rm -f`) is replaced by the server; a
 * local `destroy --wait` finds the server holding the infra and follows it; SIGTERM stops the server cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { reefAsync, ROOT } from '../helpers/cli.js';
import { containersOf, engine, eventually, example, explain, requireEngine, statusJson, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('serve');
let server: ChildProcess | undefined;
let serverLog = '';
let url = '';

beforeAll(async () => {
  await requireEngine();
  server = reefAsync(ROOT, ['--state', ws.state, '--log-level', 'info', 'serve', '--port', '0']);
  server.stdout?.on('data', (d) => (serverLog += d));
  server.stderr?.on('data', (d) => (serverLog += d));
  url = await eventually('reef serve listens', async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serverLog)?.[1], 15_000);
});

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  await ws.cleanup([id]);
});

const helloworld = () => Object.entries(statusJson(ws, id).helloworld.instances);

describe('docker-helloworld under reef serve', () => {
  it('apply --server URL --wait: the server reconciles it', async () => {
    const started = Date.now();
    const r = ws.cli(['--server', url, 'apply', example('docker-helloworld', 'infra.yaml'), '--nodes', example('docker-helloworld', 'nodes.yaml'), '--id', id, '--wait', '--timeout', '60']);
    expect(r.code, `${explain(r)}\nserver: ${serverLog.slice(-3000)}`).toBe(0);
    console.info(`[e2e] helloworld apply --wait via reef serve: ${Date.now() - started} ms`);
    // the server's output arrives once this process's event loop runs again (ws.cli blocks it)
    const created = new RegExp(`"infra":"${id}".*creating 1 × helloworld`);
    await eventually('the server logs the create', async () => (created.test(serverLog) ? true : undefined), 5000, 50);
    const [[, instance]] = helloworld();
    expect(instance.state).toBe('ready');
    const body = await (await fetch(`http://${instance.resource_address}/`)).text();
    expect(body).toMatch(/^Hello World! I'm alive\. \(instance helloworld-/);
  });

  it('docker rm -f of the container: the server replaces it', async () => {
    const [[oldId]] = helloworld();
    const [container] = await containersOf(id);
    const removedAt = Date.now();
    await engine.getContainer(container.Id).remove({ force: true });
    const [newId, instance] = await eventually('a new ready instance', async () => {
      const live = helloworld();
      return live.length === 1 && live[0][0] !== oldId && live[0][1].state === 'ready' ? live[0] : undefined;
    }, 30_000, 200);
    console.info(`[e2e] reef serve replaced a removed container in ${Date.now() - removedAt} ms`);
    const containers = await containersOf(id);
    expect(containers.map((c) => c.Labels['reef.instance'])).toEqual([newId]);
    const body = await (await fetch(`http://${instance.resource_address}/`)).text();
    expect(body).toContain(`(instance ${newId})`);
  });

  it('a local destroy --wait while the server holds the infra: the server destroys, the CLI follows; nothing left; SIGTERM stops the server', async () => {
    const r = ws.cli(['destroy', id, '--wait', '--timeout', '60']);
    expect(r.code, explain(r)).toBe(0);
    expect(await containersOf(id)).toEqual([]);
    const exited = new Promise<number | null>((resolve) => server!.on('exit', (code) => resolve(code)));
    server!.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000))]);
    expect(code).toBe(0);
  });
});
