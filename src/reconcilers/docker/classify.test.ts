import { describe, expect, it } from 'vitest';
import { classifyDockerError, isNoSuchContainer } from './classify.js';
import { TransientError } from '../errors.js';

/** Shapes captured from dockerode 5 / docker-modem 5 against Docker 20.10 (see test/docker for the live ones). */
function httpError(statusCode: number, reason: string | undefined, message: string): Error {
  const e = new Error(`(HTTP code ${statusCode}) ${reason ?? 'unexpected'} - ${message} `) as Error & Record<string, unknown>;
  if (reason) e.reason = reason;
  e.statusCode = statusCode;
  e.json = { message };
  return e;
}
function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, syscall: 'connect' });
}
function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

const cases: Array<[string, unknown, string, boolean, string?]> = [
  ['connection refused', socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'REEF_DOCKER_UNREACHABLE', true],
  ['socket missing', socketError('ENOENT', 'connect ENOENT /tmp/nope.sock'), 'REEF_DOCKER_UNREACHABLE', true],
  ['broken pipe', socketError('EPIPE', 'write EPIPE'), 'REEF_DOCKER_UNREACHABLE', true],
  ['reset', socketError('ECONNRESET', 'socket hang up'), 'REEF_DOCKER_UNREACHABLE', true],
  ['socket permission', socketError('EACCES', 'connect EACCES /var/run/docker.sock'), 'REEF_DOCKER_FORBIDDEN', false],
  ['engine 500', httpError(500, 'server error', 'driver failed programming external connectivity'), 'REEF_DOCKER_SERVER', true],
  ['host port held by a container', httpError(500, 'server error', 'driver failed programming external connectivity on endpoint reef-x-web-web-1 (6c08214e): Bind for 127.0.0.1:47998 failed: port is already allocated'), 'REEF_DOCKER_PORT_IN_USE', false, 'port is already allocated'],
  ['host port held by a process', httpError(500, 'server error', 'driver failed programming external connectivity on endpoint reef-x-web-web-1 (a1559a7d): Error starting userland proxy: listen tcp4 127.0.0.1:47999: bind: address already in use'), 'REEF_DOCKER_PORT_IN_USE', false, 'address already in use'],
  ['engine 503', httpError(503, undefined, 'service unavailable'), 'REEF_DOCKER_SERVER', true],
  ['no such image on create', httpError(404, 'no such container', 'No such image: reef-test/nope:1'), 'REEF_DOCKER_IMAGE_NOT_FOUND', false, 'No such image: reef-test/nope:1'],
  ['no such image on inspect', httpError(404, 'no such image', 'no such image: x:1: No such image: x:1'), 'REEF_DOCKER_IMAGE_NOT_FOUND', false],
  ['network missing on start', httpError(404, 'no such container', 'network nonet not found'), 'REEF_DOCKER_INVALID', false, 'network nonet not found'],
  ['container vanished', httpError(404, 'no such container', 'No such container: cf00a2'), 'REEF_DOCKER_CONTAINER_GONE', true],
  ['bad memory', httpError(400, 'bad parameter', 'Minimum memory limit allowed is 6MB'), 'REEF_DOCKER_INVALID', false, 'Minimum memory limit allowed is 6MB'],
  ['bad command on start', httpError(400, undefined, 'failed to create shim task: OCI runtime create failed: exec: "/nope": stat /nope: no such file or directory: unknown'), 'REEF_DOCKER_INVALID', false],
  ['removal in progress', httpError(409, undefined, 'removal of container x is already in progress'), 'REEF_DOCKER_CONFLICT', true],
  ['caller aborted', abortError(), 'REEF_DOCKER_ABORTED', true],
  ['something else', new Error('weird'), 'REEF_DOCKER_UNCLASSIFIED', true],
];

describe('classifyDockerError', () => {
  it.each(cases)('%s', (_label, error, code, transient, said) => {
    const r = classifyDockerError(error, 'create container c on unix:///var/run/docker.sock');
    expect(r.code).toBe(code);
    expect(r.transient).toBe(transient);
    expect(r.cause).toBe(error);
    expect(r.message.startsWith('create container c on unix:///var/run/docker.sock: ')).toBe(true);
    if (said) expect(r.message).toContain(said);
    expect(r.classified).toBe(code !== 'REEF_DOCKER_UNCLASSIFIED');
  });

  it('reports our own timeout as unreachable, not as an abort', () => {
    const r = classifyDockerError(abortError(), 'list', { timedOutAfterMs: 30000 });
    expect(r).toBeInstanceOf(TransientError);
    expect(r.code).toBe('REEF_DOCKER_UNREACHABLE');
    expect(r.message).toBe('list: no answer within 30000 ms');
  });

  it('passes ReefErrors through', () => {
    const e = new TransientError('REEF_X', 'x');
    expect(classifyDockerError(e, 'y')).toBe(e);
  });

  it('tells a missing container from a missing image', () => {
    expect(isNoSuchContainer(httpError(404, 'no such container', 'No such container: abc'))).toBe(true);
    expect(isNoSuchContainer(httpError(404, 'no such container', 'No such image: a:b'))).toBe(false);
  });
});
