/** `origin:` image provisioning against the real engine: `docker save` tarballs loaded from a file or URL. */
import { execFileSync } from 'node:child_process';
import { observeViaList } from '../drivers/observe.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerDriver } from '../../src/reconcilers/docker/index.js';
import type { DockerResource } from '../../src/reconcilers/docker/schema.js';
import type { CreateRequest } from '../../src/reconcilers/driver.js';
import { silentLogger } from '../../src/util/log.js';
import { BASE_IMAGE, ENDPOINT, callContext, engine, removeInfra, requireEngine } from './engine.js';

const INFRA = `origin-${process.pid}-${Date.now().toString(36)}`;
const TAG = `t${process.pid}${Date.now().toString(36)}`;
const LOADED = 'reef-test/loaded';
const driver = dockerDriver({ stateDir: '/nonexistent', log: silentLogger() });
const ctx = callContext();
const dir = mkdtempSync(join(tmpdir(), 'reef-origin-'));
const tarball = join(dir, 'image.tar');
let server: Server;
let baseUrl = '';
let downloads = 0;

function request(instanceId: string, resource: DockerResource): CreateRequest<DockerResource> {
  return {
    instanceId, resource,
    labels: { infra: INFRA, node: 'loaded', instance: instanceId },
    context: { kind: 'docker', env: [], command: 'sleep 3600' },
  };
}

async function removeImage(ref: string): Promise<void> {
  await engine.getImage(ref).remove({ force: true }).catch(() => undefined);
}

beforeAll(async () => {
  await requireEngine();
  // an image that exists only inside the tarball
  await engine.getImage(`${BASE_IMAGE}:latest`).tag({ repo: LOADED, tag: TAG });
  execFileSync('docker', ['save', '-o', tarball, `${LOADED}:${TAG}`]);
  await removeImage(`${LOADED}:${TAG}`);
  writeFileSync(join(dir, 'garbage.tar'), 'not a tarball');
  server = createServer((req, res) => {
    downloads += 1;
    readFile(join(dir, req.url!.slice(1)))
      .then((body) => res.end(body))
      .catch(() => { res.statusCode = 404; res.end('missing'); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await removeInfra(INFRA);
  await removeImage(`${LOADED}:${TAG}`);
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('docker origin', () => {
  it('loads a missing image from a file:// tarball', async () => {
    const resource: DockerResource = { type: 'docker', endpoint: ENDPOINT, image: LOADED, tag: TAG, origin: `file://${tarball}`, stop_timeout: 0 };
    const [a, b] = await Promise.all([driver.create(request('f1', resource), ctx), driver.create(request('f2', resource), ctx)]);
    expect((await engine.getContainer(a.ref.id).inspect()).Config.Image).toBe(`${LOADED}:${TAG}`);
    expect(b.ref.id).not.toBe(a.ref.id);
    await driver.destroy({ ref: a.ref, resource }, ctx);
    await driver.destroy({ ref: b.ref, resource }, ctx);
  });

  it('loads from an http URL (served on 127.0.0.1), once for concurrent creates', async () => {
    await removeImage(`${LOADED}:${TAG}`);
    downloads = 0;
    const resource: DockerResource = { type: 'docker', endpoint: ENDPOINT, image: LOADED, tag: TAG, origin: `${baseUrl}/image.tar`, stop_timeout: 0 };
    const created = await Promise.all(['h1', 'h2', 'h3'].map((id) => driver.create(request(id, resource), ctx)));
    expect(downloads).toBe(1);
    for (const c of created) {
      expect(await observeViaList(driver, { ref: c.ref, resource }, ctx)).toMatchObject({ exists: true, phase: 'running' });
      await driver.destroy({ ref: c.ref, resource }, ctx);
    }
  });

  it.each([
    ['a tarball without the image', () => `file://${tarball}`, 'other-tag', 'REEF_DOCKER_IMAGE_NOT_FOUND', /did not contain reef-test\/loaded:other-tag/],
    ['a file that is not a tarball', () => `file://${join(dir, 'garbage.tar')}`, 'garbage', 'REEF_DOCKER_ORIGIN_INVALID', /load image/],
    ['a missing file', () => `file://${join(dir, 'nope.tar')}`, 'nope', 'REEF_DOCKER_ORIGIN_UNREADABLE', /ENOENT/],
    ['a URL answering 404', () => `${baseUrl}/nope.tar`, 'nope', 'REEF_DOCKER_ORIGIN_UNREADABLE', /HTTP 404/],
  ])('fails fatally on %s', async (_label, origin, tag, code, message) => {
    const resource: DockerResource = { type: 'docker', endpoint: ENDPOINT, image: LOADED, tag, origin: origin() };
    const error = await driver.create(request(`bad-${tag}`, resource), ctx).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code, transient: false });
    expect((error as Error).message).toMatch(message);
  });

  it('treats origin "local" as: the image must already exist', async () => {
    const resource: DockerResource = { type: 'docker', endpoint: ENDPOINT, image: LOADED, tag: 'never-built', origin: 'local' };
    const error = await driver.create(request('local', resource), ctx).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'REEF_DOCKER_IMAGE_NOT_FOUND', transient: false });
    expect((error as Error).message).toContain('No such image: reef-test/loaded:never-built');
  });
});
