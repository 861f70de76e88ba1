/**
 * A worker killed out of band (`docker kill`) while an in-process controller serves the infra: it is seen as
 * failed with Docker's exit status, replaced by a new instance, its container removed, and the death is in the
 * event log that `reef logs` prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { harness, type Harness } from '../helpers/harness.js';
import { compileInfra } from '../../src/schemas/index.js';
import type { Controller } from '../../src/controller/controller.js';
import { DEFAULT_OPTIONS } from '../../src/controller/options.js';
import { containersOf, engine, eventually, example, explain, requireEngine, sweep, uniqueId } from './e2e.js';
import { reef, ROOT } from '../helpers/cli.js';

const id = uniqueId('replace');
let h: Harness;
let controller: Controller;

beforeAll(async () => {
  await requireEngine();
  h = harness();
  const spec = compileInfra({
    infraFile: example('docker-cluster', 'infra.yaml'),
    nodesFile: example('docker-cluster', 'nodes.yaml'),
    id,
    resourceSchemas: h.registry.resourceSchemas(),
  });
  await h.store.putInfra(spec);
  // REEF_E2E_DEFAULT_TIMINGS=1: the production poll/resync/health timings, to see what a user would wait
  controller = h.controller(process.env.REEF_E2E_DEFAULT_TIMINGS ? DEFAULT_OPTIONS : {});
  await controller.serve();
});

afterAll(async () => {
  await h?.close();
  await sweep(id);
});

const readyWorkers = async (n: number) => {
  const live = (await h.store.listInstances(id)).filter((i) => i.node === 'worker' && !i.destroyReason && i.state === 'ready');
  return live.length === n ? live : undefined;
};

describe('a killed worker is replaced', () => {
  it('docker kill → failed (exited (137)) → new instance ready, old container removed, death in reef logs', async () => {
    const before = await eventually('two ready workers', () => readyWorkers(2), 30_000);
    const victim = before[0];
    const victimContainer = victim.ref!.id;
    const survivor = before[1].id;

    const killedAt = Date.now();
    await engine.getContainer(victimContainer).kill();

    const after = await eventually('a replacement worker is ready', async () => {
      const ready = await readyWorkers(2);
      return ready && !ready.some((i) => i.id === victim.id) ? ready : undefined;
    }, 30_000, 50);
    const replacedMs = Date.now() - killedAt;
    console.info(`[e2e] killed worker replaced (new instance ready) in ${replacedMs} ms`);

    const replacement = after.find((i) => i.id !== survivor)!;
    expect(replacement.id).not.toBe(victim.id);
    expect(after.map((i) => i.id)).toContain(survivor);

    // the dead container is removed, not left exited; exactly the two live workers remain in Docker
    await eventually('the killed container is removed', async () => {
      const workers = await containersOf(id, 'worker');
      return workers.some((c) => c.Id === victimContainer) ? undefined : workers;
    }, 15_000);
    const workers = await containersOf(id, 'worker');
    expect(workers.map((c) => c.Labels['reef.instance']).sort()).toEqual([survivor, replacement.id].sort());
    expect(workers.every((c) => c.State === 'running')).toBe(true);

    const logs = reef(ROOT, ['--state', join(h.dir, 'state.db'), 'logs', id, '-o', 'json']);
    expect(logs.code, explain(logs)).toBe(0);
    const events = logs.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; instance?: string; to?: string; message: string });
    const death = events.find((e) => e.kind === 'instance.transition' && e.instance === victim.id && e.to === 'failed');
    expect(death, JSON.stringify(events.filter((e) => e.instance === victim.id), null, 1)).toBeDefined();
    expect(death!.message).toMatch(/exited \(137\)/);
    const text = reef(ROOT, ['--state', join(h.dir, 'state.db'), 'logs', id]);
    expect(text.stdout).toMatch(new RegExp(`worker ${victim.id}: .*failed.*exited \\(137\\)`));
  });

  it('docker rm -f of a worker: a new instance replaces it', async () => {
    const before = await eventually('two ready workers', () => readyWorkers(2), 30_000);
    const victim = before[1];
    const removedAt = Date.now();
    await engine.getContainer(victim.ref!.id).remove({ force: true });
    const after = await eventually('a replacement worker is ready', async () => {
      const ready = await readyWorkers(2);
      return ready && !ready.some((i) => i.id === victim.id) ? ready : undefined;
    }, 30_000, 50);
    console.info(`[e2e] removed worker replaced in ${Date.now() - removedAt} ms`);
    const workers = await containersOf(id, 'worker');
    expect(workers.map((c) => c.Labels['reef.instance']).sort()).toEqual(after.map((i) => i.id).sort());
  });

  it('a stray container labelled as one of this infra\'s workers is collected', async () => {
    await eventually('two ready workers', () => readyWorkers(2), 30_000);
    const stray = await engine.createContainer({
      name: `${id}-stray`,
      Image: 'reef-test/busybox:latest',
      Cmd: ['sleep', '3600'],
      Labels: { 'reef.infra': id, 'reef.node': 'worker', 'reef.instance': 'worker-stray' },
    });
    await stray.start();
    await eventually('the stray container is removed', async () => {
      const all = await containersOf(id);
      return all.some((c) => c.Id === stray.id) ? undefined : all;
    }, 30_000, 100);
    expect((await containersOf(id, 'worker')).map((c) => c.Labels['reef.instance']).sort())
      .toEqual((await readyWorkers(2))!.map((i) => i.id).sort());
    const events = await h.store.listEvents({ infra: id, limit: 10_000 });
    expect(events.some((e) => e.kind === 'resource.collected' && e.instance === 'worker-stray')).toBe(true);
  });
});
