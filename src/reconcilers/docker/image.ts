/**
 * Make `image:tag` present on the engine according to `origin` (Occopus's key): `local`/absent = it must exist
 * (create then fails with Docker's "No such image"), `dockerhub` = pull, a `file://` path or http(s) URL = a
 * `docker save` tarball fed to `docker load`. Concurrent creates of one image share one load.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { accessOf, type CallContext } from '../driver.js';
import { allowedFile, allowedUrl, type HostAccess } from '../../util/host-access.js';
import { fetchAllowed } from '../fetch-allowed.js';
import { FatalError, TransientError } from '../errors.js';
import { IMAGE_CALL_TIMEOUT_MS, dockerCall, rawStatus } from './call.js';
import { imageRef } from './container-spec.js';
import type { DockerEngine } from './engine-client.js';
import type { DockerResource } from './schema.js';

/** Loads in progress, by `endpoint image:tag`; one map per driver instance. */
export type ImageLoads = Map<string, Promise<void>>;

export async function ensureImage(
  docker: DockerEngine, endpointKey: string, resource: DockerResource, ctx: CallContext, inFlight: ImageLoads,
): Promise<void> {
  const origin = resource.origin?.trim();
  if (!origin || origin === 'local') return;
  const ref = imageRef(resource);
  const key = `${endpointKey} ${ref}`;
  const running = inFlight.get(key);
  if (running) return running;
  const work = provide(docker, endpointKey, ref, origin, ctx).finally(() => inFlight.delete(key));
  inFlight.set(key, work);
  return work;
}

async function hasImage(docker: DockerEngine, ref: string, endpointKey: string, ctx: CallContext): Promise<boolean> {
  try {
    await dockerCall(ctx, `inspect image ${ref} on ${endpointKey}`, () => docker.getImage(ref).inspect());
    return true;
  } catch (e) {
    if (rawStatus(e) === 404) return false;
    throw e;
  }
}

async function provide(docker: DockerEngine, endpointKey: string, ref: string, origin: string, ctx: CallContext): Promise<void> {
  if (await hasImage(docker, ref, endpointKey, ctx)) return;
  // checked before anything is opened or fetched (reef serve: what the operator allowed)
  const source = origin === 'dockerhub' ? undefined : tarballSource(origin, accessOf(ctx));
  const what = `${origin === 'dockerhub' ? 'pull' : 'load'} image ${ref} from ${origin} on ${endpointKey}`;
  ctx.log.info({ image: ref, origin, endpoint: endpointKey }, 'docker image missing; fetching it');
  try {
    await dockerCall(ctx, what, async (signal) => {
      const stream = origin === 'dockerhub'
        ? ((await docker.pull(ref, { abortSignal: signal })) as NodeJS.ReadableStream)
        : ((await docker.loadImage(await openTarball(source!, what, signal, accessOf(ctx)), { quiet: true, abortSignal: signal })) as NodeJS.ReadableStream);
      await drainProgress(stream, signal);
    }, IMAGE_CALL_TIMEOUT_MS);
  } catch (e) {
    throw asImageFailure(e as FatalError | TransientError, origin);
  }
  if (!(await hasImage(docker, ref, endpointKey, ctx))) {
    throw new FatalError('REEF_DOCKER_IMAGE_NOT_FOUND', `${what}: the tarball did not contain ${ref}`);
  }
}

/**
 * What the engine refused will not succeed on retry (brief: a failed pull is fatal with Docker's message); an
 * engine or origin we could not reach might, and so might a load the engine failed with a 5xx.
 */
function asImageFailure(e: FatalError | TransientError, origin: string): FatalError | TransientError {
  const retryable = ['REEF_DOCKER_UNREACHABLE', 'REEF_DOCKER_ABORTED', 'REEF_DOCKER_ORIGIN_UNREACHABLE'];
  if (retryable.includes(e.code) || e.code === 'REEF_DOCKER_ORIGIN_UNREADABLE' || e.code === 'REEF_HOST_ACCESS_DENIED') return e;
  if (e.errorClass === 'throttled') return e; // a registry's or engine's 429: slowing down will help
  if (origin === 'dockerhub') return new FatalError('REEF_DOCKER_IMAGE_NOT_FOUND', e.message, { cause: e.cause });
  if (e.code === 'REEF_DOCKER_SERVER') return e;
  return new FatalError('REEF_DOCKER_ORIGIN_INVALID', e.message, { cause: e.cause });
}

type TarballSource = { url: string } | { path: string };

/** Where the tarball is, if this process may read it; the refusal (REEF_HOST_ACCESS_DENIED) otherwise. */
function tarballSource(origin: string, access: HostAccess): TarballSource {
  if (/^https?:\/\//i.test(origin)) return { url: allowedUrl(access, 'docker origin', origin) };
  return { path: allowedFile(access, 'docker origin', origin.startsWith('file://') ? filePath(origin) : origin) };
}

async function openTarball(source: TarballSource, what: string, signal: AbortSignal, access: HostAccess): Promise<NodeJS.ReadableStream> {
  if ('url' in source) {
    let response: Response;
    try {
      response = await fetchAllowed(source.url, { signal }, access, 'docker origin');
    } catch (e) {
      if (signal.aborted || (e as { code?: unknown }).code === 'REEF_HOST_ACCESS_DENIED') throw e;
      throw new TransientError('REEF_DOCKER_ORIGIN_UNREACHABLE', `${what}: ${(e as Error).message}`, { cause: e });
    }
    if (!response.ok || !response.body) {
      const message = `${what}: HTTP ${response.status} ${response.statusText}`;
      throw response.status >= 500 || response.status === 429
        ? new TransientError('REEF_DOCKER_ORIGIN_UNREACHABLE', message)
        : new FatalError('REEF_DOCKER_ORIGIN_UNREADABLE', message);
    }
    return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
  }
  try {
    // a FIFO or a device would block the load or never end: regular files only
    if (!(await stat(source.path)).isFile()) throw new Error('not a regular file');
  } catch (e) {
    throw new FatalError('REEF_DOCKER_ORIGIN_UNREADABLE', `${what}: ${(e as Error).message}`, { cause: e });
  }
  return createReadStream(source.path);
}

/** `file:///abs/x.tar` → `/abs/x.tar`; `file://rel/x.tar` → `rel/x.tar` (relative to the working directory). */
function filePath(origin: string): string {
  return origin.startsWith('file:///') ? fileURLToPath(origin) : decodeURIComponent(origin.slice('file://'.length));
}

/** Docker reports load and pull failures inside a 200 stream, as `{"error": "..."}` lines. */
async function drainProgress(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<void> {
  let buffer = '';
  const onAbort = () => (stream as Readable).destroy?.(signal.reason as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        failOnErrorLine(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
    }
    failOnErrorLine(buffer);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function failOnErrorLine(line: string): void {
  if (!line.trim()) return;
  let parsed: { error?: string; errorDetail?: { message?: string } };
  try {
    parsed = JSON.parse(line);
  } catch {
    return;
  }
  const message = parsed.errorDetail?.message ?? parsed.error;
  if (message) throw Object.assign(new Error(message), { statusCode: 400, json: { message } });
}
