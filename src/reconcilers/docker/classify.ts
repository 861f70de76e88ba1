/**
 * Docker (dockerode / docker-modem) errors → ReefError, once, at the driver boundary. Docker's own message is
 * kept in every error so users see what the engine said.
 */
import { FatalError, TransientError, isReefError, type ReefError } from '../errors.js';

/** The shape docker-modem rejects with: an HTTP status + the engine's JSON body, or a socket error. */
interface DockerErrorShape {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  json?: unknown;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOENT', 'EPIPE', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'ENOTFOUND', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE',
]);

export function statusOf(e: unknown): number | undefined {
  const status = (e as DockerErrorShape | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own words: `json.message` of an HTTP error, else the error message. */
export function dockerMessage(e: unknown): string {
  const shape = (e ?? {}) as DockerErrorShape;
  const json = shape.json as { message?: unknown } | null | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string' && json.message) return json.message;
  return (shape.message ?? String(e)).trim();
}

export function isNoSuchContainer(e: unknown): boolean {
  return statusOf(e) === 404 && /no such container/i.test(dockerMessage(e));
}

export function isNoSuchImage(e: unknown): boolean {
  return statusOf(e) === 404 && /no such image|not found|does not exist/i.test(dockerMessage(e)) && !/network/i.test(dockerMessage(e));
}

/**
 * A published host port someone else holds: another container ("port is already allocated") or a host process
 * (the userland proxy's "bind: address already in use"). Docker says 500, but retrying cannot help until that
 * holder goes, and reef never has two instances of one node on a port (a replacement waits for its predecessor).
 */
export function isPortInUse(e: unknown): boolean {
  return statusOf(e) === 500 && /port is already allocated|address already in use/i.test(dockerMessage(e));
}

export interface ClassifyOptions {
  /** the caller's signal: an abort it caused is reported as such, not as a broken engine. */
  signal?: AbortSignal;
  /** set when our own call timeout fired. */
  timedOutAfterMs?: number;
}

/**
 * @param what the call, for the message: `create container reef-x-web-1 on unix:///var/run/docker.sock`
 */
export function classifyDockerError(e: unknown, what: string, opts: ClassifyOptions = {}): ReefError {
  if (isReefError(e)) return e;
  const shape = (e ?? {}) as DockerErrorShape;
  const status = statusOf(e);
  const said = dockerMessage(e);
  const message = `${what}: ${said}`;
  const options = { cause: e };

  if (shape.name === 'AbortError' || shape.code === 'ABORT_ERR') {
    if (opts.timedOutAfterMs !== undefined) {
      return new TransientError('REEF_DOCKER_UNREACHABLE', `${what}: no answer within ${opts.timedOutAfterMs} ms`, options);
    }
    return new TransientError('REEF_DOCKER_ABORTED', `${what}: aborted`, options);
  }
  if (status === undefined) {
    if (shape.code === 'EACCES') return new FatalError('REEF_DOCKER_FORBIDDEN', message, options);
    if (shape.code && UNREACHABLE_CODES.has(shape.code)) return new TransientError('REEF_DOCKER_UNREACHABLE', message, options);
    if (/timed? ?out|socket hang up/i.test(said)) return new TransientError('REEF_DOCKER_UNREACHABLE', message, options);
    return new TransientError('REEF_DOCKER_UNCLASSIFIED', message, { ...options, classified: false });
  }
  if (isPortInUse(e)) return new FatalError('REEF_DOCKER_PORT_IN_USE', message, options);
  if (status === 429) return new TransientError('REEF_DOCKER_THROTTLED', message, options);
  if (status >= 500) return new TransientError('REEF_DOCKER_SERVER', message, options);
  if (isNoSuchContainer(e)) return new TransientError('REEF_DOCKER_CONTAINER_GONE', message, options);
  if (isNoSuchImage(e)) return new FatalError('REEF_DOCKER_IMAGE_NOT_FOUND', message, options);
  if (status === 401 || status === 403) return new FatalError('REEF_DOCKER_FORBIDDEN', message, options);
  // a 409 that reaches here is not the create-name conflict (handled by lookup): removal in progress and such.
  if (status === 409) return new TransientError('REEF_DOCKER_CONFLICT', message, options);
  if (status >= 400) return new FatalError('REEF_DOCKER_INVALID', message, options);
  return new TransientError('REEF_DOCKER_UNCLASSIFIED', message, { ...options, classified: false });
}
