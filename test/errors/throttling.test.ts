import { describe, expect, it } from 'vitest';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { narrowsLimiter } from '../../src/errors/index.js';
import { EndpointLimiter } from '../../src/controller/limiter.js';
import { classifyDockerError } from '../../src/reconcilers/docker/classify.js';
import { classifyEc2Error } from '../../src/reconcilers/ec2/classify.js';

const dockerError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });
const ec2Error = (name: string, status: number) =>
  new EC2ServiceException({ name, $fault: status < 500 ? 'client' : 'server', $metadata: { httpStatusCode: status }, message: name });

describe('throttling is a class, whichever cloud says it', () => {
  it('a Docker 429 and an EC2 RequestLimitExceeded are both "throttled"; a Docker 500 is not', () => {
    const docker429 = classifyDockerError(dockerError(429, 'toomanyrequests'), 'create c1');
    const ec2Limit = classifyEc2Error(ec2Error('RequestLimitExceeded', 503), 'RunInstances');
    const docker500 = classifyDockerError(dockerError(500, 'boom'), 'create c1');
    expect([docker429.code, docker429.errorClass, narrowsLimiter(docker429)]).toEqual(['REEF_DOCKER_THROTTLED', 'throttled', true]);
    expect([ec2Limit.code, ec2Limit.errorClass, narrowsLimiter(ec2Limit)]).toEqual(['REEF_EC2_THROTTLED', 'throttled', true]);
    expect([docker500.errorClass, narrowsLimiter(docker500)]).toEqual(['transient', false]);
  });

  it.each([
    ['Docker 429', () => classifyDockerError(dockerError(429, 'toomanyrequests'), 'create c1')],
    ['EC2 RequestLimitExceeded', () => classifyEc2Error(ec2Error('RequestLimitExceeded', 503), 'RunInstances')],
  ])('the endpoint limiter halves its window on a %s', async (_name, error) => {
    const limiter = new EndpointLimiter({ concurrency: 8 });
    await expect(limiter.run(async () => { throw error(); })).rejects.toMatchObject({ transient: true });
    expect(limiter.limit).toBe(4);
    await expect(limiter.run(async () => { throw classifyDockerError(dockerError(500, 'boom'), 'x'); })).rejects.toThrow();
    expect(limiter.limit).toBe(4);
  });
});
