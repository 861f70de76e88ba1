/** The docker driver against the real engine (scripts/ensure-docker.sh starts one; CI always does). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeViaList } from '../drivers/observe.js';
import { dockerDriver } from '../../src/reconcilers/docker/index.js';
import type { DockerDriver } from '../../src/reconcilers/docker/driver.js';
import type { DockerResource } from '../../src/reconcilers/docker/schema.js';
import type { CreateRequest, Observation, ReefLabels } from '../../src/reconcilers/driver.js';
import { FatalError, TransientError } from '../../src/reconcilers/errors.js';
import { silentLogger } from '../../src/util/log.js';
import { EndpointLimiter } from '../../src/controller/limiter.js';
import { BASE_IMAGE, ENDPOINT, HEALTHY_IMAGE, callContext, engine, recordWatch, removeInfra, requireEngine } from './engine.js';

const INFRA = `drv-${process.pid}-${Date.now().toString(36)}`;
const driver = dockerDriver({ stateDir: '/nonexistent', log: silentLogger() });
const ctx = callContext();
const resource: DockerResource = { type: 'docker', endpoint: ENDPOINT, image: BASE_IMAGE, tag: 'latest', origin: 'local' };

function request(instanceId: string, over: Partial<CreateRequest<DockerResource>> = {}): CreateRequest<DockerResource> {
  const labels: ReefLabels = { infra: INFRA, node: 'worker', instance: instanceId };
  return { instanceId, labels, resource, context: { kind: 'docker', env: ['A=1'], command: 'sleep 3600' }, ...over };
}

async function rejection(p: Promise<unknown>): Promise<FatalError | TransientError> {
  try {
    await p;
  } catch (e) {
    return e as FatalError | TransientError;
  }
  throw new Error('expected a rejection');
}

beforeAll(requireEngine);
afterAll(async () => {
  await removeInfra(INFRA);
  await removeInfra(`${INFRA}-slot`);
  await driver.close?.();
});

describe('docker driver, real engine', () => {
  it('create hands its endpoint slot on once the container is started, before the inspect that reads its address', async () => {
    const limiter = new EndpointLimiter({ concurrency: 1 });
    let createDone = false;
    const infra = `${INFRA}-slot`;
    const req = request('i-slot', { labels: { infra, node: 'worker', instance: 'i-slot' } });
    const first = limiter.run((releaseSlot) => driver.create(req, { ...ctx, releaseSlot })).then((r) => {
      createDone = true;
      return r;
    });
    const second = limiter.run(async () => {
      const whileCreating = !createDone;
      const [c] = await engine.listContainers({ all: true, filters: { label: [`reef.infra=${infra}`] } });
      return { whileCreating, state: c?.State };
    });
    expect(await second).toEqual({ whileCreating: true, state: 'running' });
    expect((await first).addresses?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await removeInfra(infra);
  });

  it('create → running with an IP → list → idempotent create → killed out of band → destroy → gone', async () => {
    const created = await driver.create(request('i1'), ctx);
    expect(created.ref).toMatchObject({ driver: 'docker', endpoint: ENDPOINT });
    expect(created.addresses?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const observed = await observeViaList(driver, { ref: created.ref, resource }, ctx);
    expect(observed).toMatchObject({ exists: true, phase: 'running', labels: { infra: INFRA, node: 'worker', instance: 'i1' } });
    expect(observed.exists && observed.addresses.ip).toBe(created.addresses?.ip);

    const listed = await driver.list({ resource, infraId: INFRA }, ctx);
    expect(listed.map((o) => o.ref.id)).toEqual([created.ref.id]);
    expect(listed[0]).toMatchObject({ phase: 'running', addresses: created.addresses, labels: { instance: 'i1' } });
    expect((await driver.list({ resource }, ctx)).map((o) => o.ref.id)).toContain(created.ref.id); // every reef container

    const again = await driver.create(request('i1'), ctx);
    expect(again.ref.id).toBe(created.ref.id);
    expect(await driver.list({ resource, infraId: INFRA }, ctx)).toHaveLength(1);

    const watch = recordWatch((onChange) => (driver as DockerDriver).watch({ resource, infraId: INFRA, onChange }, ctx));

    // the watch delivers the start of a new container, so it is connected before the out-of-band kill.
    const probe = await driver.create(request('i1-probe'), ctx);
    await watch.waitFor((o) => o.ref.id === probe.ref.id && o.exists && o.phase === 'running', 5000);
    const killedAt = Date.now();
    await engine.getContainer(created.ref.id).kill();
    const died = await watch.waitFor((o) => o.ref.id === created.ref.id && o.exists && (o.phase === 'failed' || o.phase === 'stopped'), 1000);
    expect(Date.now() - killedAt).toBeLessThan(1000);
    expect(died).toMatchObject({ exists: true, phase: 'failed', reason: 'exited (137)' });
    await driver.destroy({ ref: probe.ref, resource }, ctx);
    await watch.waitFor((o) => o.ref.id === probe.ref.id && !o.exists, 5000);
    watch.stop();

    await driver.destroy({ ref: created.ref, resource }, ctx);
    expect(await observeViaList(driver, { ref: created.ref, resource }, ctx)).toEqual({ exists: false, ref: created.ref });
    await driver.destroy({ ref: created.ref, resource }, ctx); // already gone = success
    expect(await driver.list({ resource, infraId: INFRA }, ctx)).toEqual([]);
  });

  it('fails fatally with Docker’s message when the image is missing', async () => {
    const e = await rejection(driver.create(request('i-noimg', { resource: { ...resource, image: 'reef-test/nope', tag: 'missing' } }), ctx));
    expect(e).toBeInstanceOf(FatalError);
    expect(e.code).toBe('REEF_DOCKER_IMAGE_NOT_FOUND');
    expect(e.message).toContain('No such image: reef-test/nope:missing');
  });

  it('fails fatally on a command that cannot start and leaves no container behind', async () => {
    const e = await rejection(driver.create(request('i-badcmd', { context: { kind: 'docker', env: [], command: '/no/such/binary' } }), ctx));
    expect(e).toMatchObject({ code: 'REEF_DOCKER_INVALID', transient: false });
    expect(e.message).toContain('/no/such/binary');
    const left = await driver.list({ resource, infraId: INFRA }, ctx);
    expect(left.filter((o) => o.exists && o.labels.instance === 'i-badcmd')).toEqual([]);
  });

  it('reports an unreachable endpoint as transient', async () => {
    const far: DockerResource = { ...resource, endpoint: 'tcp://127.0.0.1:1' };
    const e = await rejection(driver.create(request('i-far', { resource: far }), ctx));
    expect(e).toBeInstanceOf(TransientError);
    expect(e.code).toBe('REEF_DOCKER_UNREACHABLE');
    expect(await rejection(driver.list({ resource: far }, ctx))).toMatchObject({ code: 'REEF_DOCKER_UNREACHABLE' });
    expect(await rejection(driver.create(request('i-nosock', { resource: { ...resource, endpoint: 'unix:///tmp/reef-no.sock' } }), ctx)))
      .toMatchObject({ code: 'REEF_DOCKER_UNREACHABLE', transient: true });
  });

  it('stops a call when the caller’s signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await rejection(driver.list({ resource }, callContext(controller.signal)));
    expect(e).toMatchObject({ code: 'REEF_DOCKER_ABORTED', transient: true });
  });

  it('surfaces the image’s HEALTHCHECK in health', async () => {
    const healthy: DockerResource = { ...resource, image: HEALTHY_IMAGE, stop_timeout: 0 };
    const watch = recordWatch((onChange) => (driver as DockerDriver).watch({ resource: healthy, infraId: INFRA, onChange }, ctx));
    const created = await driver.create(request('i-health', { resource: healthy, context: { kind: 'none' } }), ctx);
    const id = created.ref.id;
    const becameHealthy = watch.waitFor((o) => o.ref.id === id && o.exists && o.health === 'healthy', 10_000);
    const o: Observation = await becameHealthy;
    expect(o).toMatchObject({ exists: true, phase: 'running', health: 'healthy' });
    const listed = await driver.list({ resource: healthy, infraId: INFRA }, ctx);
    expect(listed.find((x) => x.ref.id === id)).toMatchObject({ health: 'healthy' });
    watch.stop();
    await driver.destroy({ ref: created.ref, resource: healthy }, ctx);
  });

  it('publishes ports and applies resource limits', async () => {
    const web: DockerResource = { ...resource, stop_timeout: 0, ports: ['127.0.0.1::80'], memory: '64m', cpus: 0.5, labels: { team: 'qa' } };
    const created = await driver.create(request('i-web', {
      resource: web,
      context: { kind: 'docker', env: ['MSG=hello from reef'], command: ['sh', '-c', 'mkdir -p /www && echo "$MSG" > /www/index.html && exec httpd -f -p 80 -h /www'] },
    }), ctx);
    const info = await engine.getContainer(created.ref.id).inspect();
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.Config.Labels).toMatchObject({ team: 'qa', 'reef.infra': INFRA });
    const port = info.NetworkSettings.Ports['80/tcp']?.[0];
    expect(port?.HostIp).toBe('127.0.0.1');
    let body = '';
    for (let attempt = 0; attempt < 40 && !body; attempt++) { // httpd needs a moment to listen; bounded
      body = await fetch(`http://127.0.0.1:${port?.HostPort}/`).then((r) => r.text()).catch(() => '');
      if (!body) await new Promise((r) => setTimeout(r, 50));
    }
    expect(body.trim()).toBe('hello from reef');
    await driver.destroy({ ref: created.ref, resource: web }, ctx);
  });
});
