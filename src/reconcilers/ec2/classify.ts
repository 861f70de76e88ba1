/**
 * The one place where AWS SDK v3 errors (and Node network errors underneath it) become ReefErrors.
 * The SDK puts the EC2 error code on `name` (an EC2ServiceException for every code, since EC2 models none),
 * the cloud's text on `message`, and the HTTP status on `$metadata.httpStatusCode`.
 */
import { FatalError, TransientError, isReefError, type ReefError } from '../errors.js';

/** EC2 error code (exact, or a prefix ending in '.') → reef code. Fatal: retrying cannot help. */
const FATAL: Array<[string, string]> = [
  ['InvalidAMIID.', 'REEF_EC2_INVALID_AMI'],
  ['InvalidParameterValue', 'REEF_EC2_INVALID_PARAMETER'],
  ['InvalidParameterCombination', 'REEF_EC2_INVALID_PARAMETER'],
  ['InvalidParameter', 'REEF_EC2_INVALID_PARAMETER'],
  ['MissingParameter', 'REEF_EC2_MISSING_PARAMETER'],
  ['InvalidKeyPair.', 'REEF_EC2_INVALID_KEY_PAIR'],
  ['InvalidSubnetID.', 'REEF_EC2_INVALID_SUBNET'],
  ['InvalidSubnet', 'REEF_EC2_INVALID_SUBNET'],
  ['InvalidGroup.', 'REEF_EC2_INVALID_SECURITY_GROUP'],
  ['InvalidGroupId.', 'REEF_EC2_INVALID_SECURITY_GROUP'],
  ['UnauthorizedOperation', 'REEF_EC2_UNAUTHORIZED'],
  ['AuthFailure', 'REEF_EC2_AUTH_FAILURE'],
  ['InvalidClientTokenId', 'REEF_EC2_AUTH_FAILURE'],
  ['SignatureDoesNotMatch', 'REEF_EC2_AUTH_FAILURE'],
  ['OptInRequired', 'REEF_EC2_UNAUTHORIZED'],
  ['InstanceLimitExceeded', 'REEF_EC2_QUOTA_EXCEEDED'],
  ['VcpuLimitExceeded', 'REEF_EC2_QUOTA_EXCEEDED'],
  ['InvalidInstanceType', 'REEF_EC2_INVALID_PARAMETER'],
  ['Unsupported', 'REEF_EC2_UNSUPPORTED'],
  ['IdempotentParameterMismatch', 'REEF_EC2_IDEMPOTENT_PARAMETER_MISMATCH'],
  ['CredentialsProviderError', 'REEF_EC2_NO_CREDENTIALS'],
];

/** Transient: the same call may succeed later. */
const TRANSIENT: Array<[string, string]> = [
  ['RequestLimitExceeded', 'REEF_EC2_THROTTLED'],
  ['Throttling', 'REEF_EC2_THROTTLED'],
  ['ThrottlingException', 'REEF_EC2_THROTTLED'],
  ['InsufficientInstanceCapacity', 'REEF_EC2_INSUFFICIENT_CAPACITY'],
  ['InsufficientCapacity', 'REEF_EC2_INSUFFICIENT_CAPACITY'],
  ['Unavailable', 'REEF_EC2_UNAVAILABLE'],
  ['ServiceUnavailable', 'REEF_EC2_UNAVAILABLE'],
  ['InternalError', 'REEF_EC2_UNAVAILABLE'],
  ['InternalFailure', 'REEF_EC2_UNAVAILABLE'],
  ['TimeoutError', 'REEF_EC2_TIMEOUT'],
  ['RequestTimeout', 'REEF_EC2_TIMEOUT'],
  ['AbortError', 'REEF_EC2_ABORTED'],
];

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
]);

/** Retry hint for throttling: EC2 refills its token bucket about once a second. */
export const THROTTLE_RETRY_AFTER_MS = 1_000;

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function lookup(table: Array<[string, string]>, awsCode: string): string | undefined {
  for (const [pattern, code] of table) {
    if (pattern.endsWith('.') ? awsCode.startsWith(pattern) : awsCode === pattern) return code;
  }
  return undefined;
}

/** The EC2 error code of an SDK error ("InvalidAMIID.NotFound"), or undefined for non-service errors. */
export function ec2ErrorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const shape = e as SdkErrorShape;
  if (typeof shape.Code === 'string') return shape.Code;
  if (typeof shape.name === 'string' && shape.name !== 'Error') return shape.name;
  return undefined;
}

/**
 * Classify any error thrown around an EC2 call. `what` names the call for the message when the cloud's own
 * message is not enough ("RunInstances for web/ab12"). Fatal messages carry the cloud's code and words.
 */
export function classifyEc2Error(e: unknown, what: string): ReefError {
  if (isReefError(e)) return e;
  const shape = (typeof e === 'object' && e !== null ? e : {}) as SdkErrorShape;
  const awsCode = ec2ErrorCode(e) ?? 'Unknown';
  const cloudMessage = typeof shape.message === 'string' ? shape.message : String(e);
  const detail = `${awsCode}: ${cloudMessage}`;

  const fatal = lookup(FATAL, awsCode);
  if (fatal) return new FatalError(fatal, detail, { cause: e });

  const transient = lookup(TRANSIENT, awsCode);
  if (transient) {
    const retryAfterMs = transient === 'REEF_EC2_THROTTLED' ? THROTTLE_RETRY_AFTER_MS : undefined;
    return new TransientError(transient, `${what}: ${detail}`, { cause: e, retryAfterMs });
  }

  const netCode = typeof shape.code === 'string' ? shape.code : undefined;
  if (netCode && NETWORK_CODES.has(netCode)) {
    return new TransientError('REEF_EC2_UNREACHABLE', `${what}: ${netCode}: ${cloudMessage}`, { cause: e });
  }
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return new TransientError('REEF_EC2_UNAVAILABLE', `${what}: HTTP ${status} ${detail}`, { cause: e });
  }
  // Why transient: an unknown error may well pass on retry; classified:false makes it visible so the tables grow.
  return new TransientError('REEF_EC2_UNCLASSIFIED', `${what}: ${detail}`, { cause: e, classified: false });
}

/** InvalidInstanceID.NotFound / .Malformed: the id names nothing (observe → absent, destroy → done). */
export function isInstanceNotFound(e: unknown): boolean {
  const code = ec2ErrorCode(e);
  return code === 'InvalidInstanceID.NotFound' || code === 'InvalidInstanceID.Malformed';
}
