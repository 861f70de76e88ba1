import { describe, expect, it } from 'vitest';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { FatalError, TransientError } from '../errors.js';
import { THROTTLE_RETRY_AFTER_MS, classifyEc2Error, isInstanceNotFound } from './classify.js';

/** What the SDK v3 throws for an EC2 `<Errors><Error><Code>` answer: the code on `name`, status in $metadata. */
function serviceError(code: string, message: string, status = 400): EC2ServiceException {
  return new EC2ServiceException({
    name: code,
    $fault: status < 500 ? 'client' : 'server',
    $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 2, totalRetryDelay: 0 },
    message,
  });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code, errno: -111, syscall: 'connect' });
}

const cases: Array<{ error: unknown; kind: 'fatal' | 'transient'; code: string }> = [
  { error: serviceError('RequestLimitExceeded', 'Request limit exceeded.', 503), kind: 'transient', code: 'REEF_EC2_THROTTLED' },
  { error: serviceError('InsufficientInstanceCapacity', 'no t3.micro capacity', 500), kind: 'transient', code: 'REEF_EC2_INSUFFICIENT_CAPACITY' },
  { error: serviceError('Unavailable', 'down', 503), kind: 'transient', code: 'REEF_EC2_UNAVAILABLE' },
  { error: serviceError('InternalError', 'oops', 500), kind: 'transient', code: 'REEF_EC2_UNAVAILABLE' },
  { error: serviceError('ServiceUnavailable', 'later', 503), kind: 'transient', code: 'REEF_EC2_UNAVAILABLE' },
  { error: serviceError('SomethingNew', 'a 5xx without a known code', 502), kind: 'transient', code: 'REEF_EC2_UNAVAILABLE' },
  { error: Object.assign(new Error('Connection timed out after 10000 ms'), { name: 'TimeoutError' }), kind: 'transient', code: 'REEF_EC2_TIMEOUT' },
  { error: networkError('ECONNREFUSED'), kind: 'transient', code: 'REEF_EC2_UNREACHABLE' },
  { error: networkError('ENOTFOUND'), kind: 'transient', code: 'REEF_EC2_UNREACHABLE' },
  { error: serviceError('InvalidAMIID.NotFound', "The image id '[ami-x]' does not exist"), kind: 'fatal', code: 'REEF_EC2_INVALID_AMI' },
  { error: serviceError('InvalidAMIID.Malformed', 'Invalid id: "x"'), kind: 'fatal', code: 'REEF_EC2_INVALID_AMI' },
  { error: serviceError('InvalidParameterValue', 'bad type'), kind: 'fatal', code: 'REEF_EC2_INVALID_PARAMETER' },
  { error: serviceError('InvalidKeyPair.NotFound', "The key pair 'k' does not exist"), kind: 'fatal', code: 'REEF_EC2_INVALID_KEY_PAIR' },
  { error: serviceError('InvalidSubnetID.NotFound', 'no subnet'), kind: 'fatal', code: 'REEF_EC2_INVALID_SUBNET' },
  { error: serviceError('InvalidGroup.NotFound', 'no group'), kind: 'fatal', code: 'REEF_EC2_INVALID_SECURITY_GROUP' },
  { error: serviceError('UnauthorizedOperation', 'You are not authorized'), kind: 'fatal', code: 'REEF_EC2_UNAUTHORIZED' },
  { error: serviceError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401), kind: 'fatal', code: 'REEF_EC2_AUTH_FAILURE' },
  { error: serviceError('InstanceLimitExceeded', 'limit 20'), kind: 'fatal', code: 'REEF_EC2_QUOTA_EXCEEDED' },
  { error: serviceError('VcpuLimitExceeded', 'vcpu limit'), kind: 'fatal', code: 'REEF_EC2_QUOTA_EXCEEDED' },
  { error: serviceError('MissingParameter', 'ImageId missing'), kind: 'fatal', code: 'REEF_EC2_MISSING_PARAMETER' },
  { error: serviceError('IdempotentParameterMismatch', 'token reused'), kind: 'fatal', code: 'REEF_EC2_IDEMPOTENT_PARAMETER_MISMATCH' },
];

describe('classifyEc2Error', () => {
  it.each(cases)('$code from $error.name', ({ error, kind, code }) => {
    const reef = classifyEc2Error(error, 'RunInstances for web/1');
    expect(reef).toBeInstanceOf(kind === 'fatal' ? FatalError : TransientError);
    expect(reef.code).toBe(code);
    expect(reef.classified).toBe(true);
    expect(reef.cause).toBe(error);
  });

  it("keeps the cloud's code and message in fatal errors", () => {
    const reef = classifyEc2Error(serviceError('InvalidAMIID.NotFound', "The image id '[ami-x]' does not exist"), 'x');
    expect(reef.message).toBe("InvalidAMIID.NotFound: The image id '[ami-x]' does not exist");
  });

  it('gives throttling a retry hint', () => {
    expect(classifyEc2Error(serviceError('RequestLimitExceeded', 'slow down', 503), 'x').retryAfterMs).toBe(
      THROTTLE_RETRY_AFTER_MS,
    );
  });

  it('marks unknown errors transient but unclassified', () => {
    const reef = classifyEc2Error(serviceError('BrandNewError', 'what?'), 'DescribeInstances');
    expect(reef).toBeInstanceOf(TransientError);
    expect(reef).toMatchObject({ code: 'REEF_EC2_UNCLASSIFIED', classified: false });
    expect(reef.message).toBe('DescribeInstances: BrandNewError: what?');
  });

  it('passes ReefErrors through untouched', () => {
    const original = new FatalError('REEF_EC2_USERDATA_TOO_LARGE', 'big');
    expect(classifyEc2Error(original, 'x')).toBe(original);
  });
});

describe('isInstanceNotFound', () => {
  it('recognises only InvalidInstanceID.NotFound and .Malformed (an id that cannot exist)', () => {
    expect(isInstanceNotFound(serviceError('InvalidInstanceID.NotFound', 'gone'))).toBe(true);
    expect(isInstanceNotFound(serviceError('InvalidInstanceID.Malformed', 'Invalid id: "x"'))).toBe(true);
    expect(isInstanceNotFound(serviceError('InvalidAMIID.NotFound', 'gone'))).toBe(false);
    expect(isInstanceNotFound(networkError('ECONNREFUSED'))).toBe(false);
  });
});
