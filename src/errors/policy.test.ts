import { describe, expect, it } from 'vitest';
import { FatalError, TransientError, classOf, reefError } from './reef-error.js';
import { exitCodeOf, httpStatusOf } from './policy.js';

describe('error class decides exit code, HTTP status and throttling', () => {
  it.each([
    ['REEF_SPEC_INVALID', 'input', 2, 400],
    ['REEF_INFRA_UNKNOWN', 'not-found', 2, 404],
    ['REEF_STATE_UNKNOWN_INFRA', 'not-found', 2, 404],
    ['REEF_SCALE_OUT_OF_RANGE', 'conflict', 2, 409],
    ['REEF_API_UNAUTHORIZED', 'unauthorized', 1, 401],
    ['REEF_EC2_THROTTLED', 'throttled', 1, 429],
    ['REEF_DOCKER_UNREACHABLE', 'unreachable', 1, 503],
    ['REEF_DOCKER_SERVER', 'transient', 1, 503],
    ['REEF_DOCKER_IMAGE_NOT_FOUND', 'fatal', 1, 500],
  ] as const)('%s is %s: exit %i, HTTP %i', (code, cls, exit, http) => {
    const e = reefError(code, 'x');
    expect([e.errorClass, classOf(e), exitCodeOf(e), httpStatusOf(e)]).toEqual([cls, cls, exit, http]);
  });

  it('lets a two-way code follow its constructor (a busy store is retried, a read-only one is not)', () => {
    expect(new TransientError('REEF_STATE_WRITE', 'busy').errorClass).toBe('transient');
    expect(new FatalError('REEF_STATE_WRITE', 'read-only').errorClass).toBe('fatal');
  });

  it('classes a plain error by its catalogued code (usage errors), keeps foreign HTTP statuses, else fatal', () => {
    expect(exitCodeOf(Object.assign(new Error('give --to'), { code: 'REEF_USAGE' }))).toBe(2);
    expect(httpStatusOf(Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }))).toBe(413);
    expect([exitCodeOf(new TypeError('bug')), httpStatusOf(new TypeError('bug'))]).toEqual([1, 500]);
    expect(classOf(new FatalError('REEF_SOMEONE_ELSES', 'x'))).toBe('fatal');
    expect(classOf(new TransientError('REEF_SOMEONE_ELSES', 'x'))).toBe('transient');
  });
});
