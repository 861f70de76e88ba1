import { describe, expect, it } from 'vitest';
import { FatalError, TransientError } from '../errors.js';
import { classifyFault, classifyOpenStackError, httpStatus, THROTTLE_RETRY_AFTER_MS } from './classify.js';
import { OpenStackHttpError, RequestTimeoutError, errorText } from './http.js';

/** Answers as Zed gave them (docs/nova.md), wrapped as requestJson throws them. */
function answer(status: number, service: string, body: unknown, retryAfterMs?: number): OpenStackHttpError {
  const { message, kind } = errorText(body);
  return new OpenStackHttpError(status, service, 'POST', '/v2.1/servers', message, kind, retryAfterMs);
}
function network(code: string): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

const cases: Array<{ name: string; error: unknown; kind: 'fatal' | 'transient'; code: string }> = [
  { name: 'bad password', error: answer(401, 'keystone', { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } }), kind: 'fatal', code: 'REEF_NOVA_AUTH_FAILED' },
  { name: 'quota 403', error: answer(403, 'nova', { forbidden: { code: 403, message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' } }), kind: 'fatal', code: 'REEF_NOVA_QUOTA_EXCEEDED' },
  { name: 'port quota 403', error: answer(403, 'nova', { forbidden: { code: 403, message: 'Maximum number of ports exceeded' } }), kind: 'fatal', code: 'REEF_NOVA_QUOTA_EXCEEDED' },
  { name: 'neutron OverQuota 409', error: answer(409, 'neutron', { NeutronError: { type: 'OverQuota', message: "Quota exceeded for resources: ['floatingip'].", detail: '' } }), kind: 'fatal', code: 'REEF_NOVA_QUOTA_EXCEEDED' },
  { name: 'policy 403', error: answer(403, 'nova', { forbidden: { code: 403, message: 'Policy does not allow os_compute_api:servers:create to be performed.' } }), kind: 'fatal', code: 'REEF_NOVA_FORBIDDEN' },
  { name: 'bad flavor 400', error: answer(400, 'nova', { badRequest: { code: 400, message: 'Flavor 999 could not be found.' } }), kind: 'fatal', code: 'REEF_NOVA_BAD_REQUEST' },
  { name: 'bad microversion 406', error: answer(406, 'nova', { computeFault: { code: 406, message: 'Version 2.200 is not supported by the API.' } }), kind: 'fatal', code: 'REEF_NOVA_MICROVERSION' },
  { name: 'task state 409', error: answer(409, 'nova', { conflictingRequest: { code: 409, message: "Cannot 'stop' instance x while it is in task_state powering-off" } }), kind: 'transient', code: 'REEF_NOVA_CONFLICT' },
  { name: '500', error: answer(500, 'nova', { computeFault: { code: 500, message: 'Unexpected API Error.' } }), kind: 'transient', code: 'REEF_NOVA_UNAVAILABLE' },
  { name: '503 html', error: answer(503, 'nova', '<html><body>Service Unavailable</body></html>'), kind: 'transient', code: 'REEF_NOVA_UNAVAILABLE' },
  { name: '429', error: answer(429, 'nova', { overLimit: { code: 429, message: 'slow down' } }, 7_000), kind: 'transient', code: 'REEF_NOVA_THROTTLED' },
  { name: 'legacy 413 with Retry-After', error: answer(413, 'nova', { overLimit: { code: 413, message: 'rate' } }, 1_000), kind: 'transient', code: 'REEF_NOVA_THROTTLED' },
  { name: 'connection refused', error: network('ECONNREFUSED'), kind: 'transient', code: 'REEF_NOVA_UNREACHABLE' },
  { name: 'socket closed', error: network('UND_ERR_SOCKET'), kind: 'transient', code: 'REEF_NOVA_UNREACHABLE' },
  { name: 'timeout', error: new RequestTimeoutError('nova', 'GET /servers', 30_000), kind: 'transient', code: 'REEF_NOVA_TIMEOUT' },
];

describe('classifyOpenStackError', () => {
  it.each(cases)('$name → $code', ({ error, kind, code }) => {
    const reef = classifyOpenStackError(error, 'create server for web/1');
    expect(reef).toBeInstanceOf(kind === 'fatal' ? FatalError : TransientError);
    expect(reef.code).toBe(code);
    expect(reef.cause).toBe(error);
  });
  it("keeps the service's own words in fatal messages", () => {
    const reef = classifyOpenStackError(cases[0].error, 'Keystone token');
    expect(reef.message).toBe('Keystone token: keystone said: The request you have made requires authentication. (HTTP 401)');
  });
  it('uses Retry-After for 429, else a default', () => {
    expect(classifyOpenStackError(cases[10].error, 'x').retryAfterMs).toBe(7_000);
    expect(classifyOpenStackError(answer(429, 'nova', {}), 'x').retryAfterMs).toBe(THROTTLE_RETRY_AFTER_MS);
  });
  it('marks what it does not know as transient and unclassified', () => {
    const reef = classifyOpenStackError(new Error('weird'), 'x');
    expect(reef).toMatchObject({ code: 'REEF_NOVA_UNCLASSIFIED', classified: false, transient: true });
  });
  it('exposes the HTTP status behind a classified error', () => {
    expect(httpStatus(classifyOpenStackError(answer(404, 'nova', { itemNotFound: { code: 404, message: 'gone' } }), 'x'))).toBe(404);
    expect(httpStatus(classifyOpenStackError(network('ECONNRESET'), 'x'))).toBeUndefined();
  });
});

describe('classifyFault', () => {
  it('reads quota (fault 413), no valid host and anything else from an ERROR server', () => {
    expect(classifyFault({ code: 413, message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' }, 'w').code).toBe('REEF_NOVA_QUOTA_EXCEEDED');
    const host = classifyFault({ code: 500, message: 'No valid host was found. ' }, 'create server for web/1');
    expect(host).toMatchObject({ code: 'REEF_NOVA_NO_VALID_HOST', transient: false });
    expect(host.message).toBe('create server for web/1: server ERROR: No valid host was found. (fault 500)');
    expect(classifyFault(undefined, 'w').code).toBe('REEF_NOVA_SERVER_ERROR');
  });
});
