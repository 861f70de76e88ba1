/**
 * The one place where what Keystone, Nova and Neutron answer (and network failures under fetch) becomes a
 * ReefError. The table follows answers observed on OpenStack Zed (docs/nova.md): quota is a 403 from Nova,
 * a 409 OverQuota from Neutron, or later an ERROR server whose fault has code 413 (serverFault below).
 */
import { FatalError, TransientError, isReefError, type ReefError } from '../errors.js';
import { OpenStackHttpError, RequestTimeoutError, networkCode } from './http.js';

/** When 429/503 carry no Retry-After: wait at least this long. */
export const THROTTLE_RETRY_AFTER_MS = 2_000;

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

const QUOTA = /quota exceeded|maximum number of .* exceeded|overquota|over quota/i;

export function classifyOpenStackError(e: unknown, what: string): ReefError {
  if (isReefError(e)) return e;
  if (e instanceof OpenStackHttpError) return classifyHttp(e, what);
  if (e instanceof RequestTimeoutError) return new TransientError('REEF_NOVA_TIMEOUT', `${what}: ${e.message}`, { cause: e });
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return new TransientError('REEF_NOVA_ABORTED', `${what}: cancelled`, { cause: e });
  const code = networkCode(e);
  if (code && NETWORK_CODES.has(code)) {
    return new TransientError('REEF_NOVA_UNREACHABLE', `${what}: ${code}: ${(e as Error).message}`, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new TransientError('REEF_NOVA_UNCLASSIFIED', `${what}: ${message}`, { cause: e, classified: false });
}

function classifyHttp(e: OpenStackHttpError, what: string): ReefError {
  const words = e.cloudMessage || `HTTP ${e.status}`;
  const fatal = (code: string) => new FatalError(code, `${what}: ${e.service} said: ${words} (HTTP ${e.status})`, { cause: e });
  const transient = (code: string, retryAfterMs?: number) =>
    new TransientError(code, `${what}: ${e.service} answered HTTP ${e.status}${e.cloudMessage ? `: ${e.cloudMessage}` : ''}`, { cause: e, retryAfterMs });
  switch (true) {
    case e.status === 401 && e.service === 'keystone':
      return fatal('REEF_NOVA_AUTH_FAILED');
    case e.status === 401:
      return fatal('REEF_NOVA_UNAUTHORIZED');
    case e.status === 429:
      return transient('REEF_NOVA_THROTTLED', e.retryAfterMs ?? THROTTLE_RETRY_AFTER_MS);
    case e.status === 413 && e.retryAfterMs !== undefined:
      // legacy Nova rate limiting: 413 overLimit with Retry-After
      return transient('REEF_NOVA_THROTTLED', e.retryAfterMs);
    case e.status === 413 || ((e.status === 403 || e.status === 409) && QUOTA.test(`${e.kind ?? ''} ${e.cloudMessage}`)):
      return fatal('REEF_NOVA_QUOTA_EXCEEDED');
    case e.status === 403:
      return fatal('REEF_NOVA_FORBIDDEN');
    case e.status === 400:
      return fatal('REEF_NOVA_BAD_REQUEST');
    case e.status === 404:
      return fatal('REEF_NOVA_NOT_FOUND');
    case e.status === 406:
      return fatal('REEF_NOVA_MICROVERSION');
    case e.status === 409:
      return transient('REEF_NOVA_CONFLICT');
    case e.status >= 500:
      return transient('REEF_NOVA_UNAVAILABLE', e.retryAfterMs);
    default:
      return new TransientError('REEF_NOVA_UNCLASSIFIED', `${what}: ${e.message}`, { cause: e, classified: false });
  }
}

/** A server's ERROR fault → the error create reports when it sees it (and the reason list() gives). */
export function classifyFault(fault: { code?: number; message?: string } | undefined, what: string): FatalError {
  const message = fault?.message?.trim() || 'the server went to ERROR without a fault message';
  const words = `${what}: server ERROR: ${message}${fault?.code ? ` (fault ${fault.code})` : ''}`;
  if (fault?.code === 413 || QUOTA.test(message)) return new FatalError('REEF_NOVA_QUOTA_EXCEEDED', words);
  if (/no valid host/i.test(message)) return new FatalError('REEF_NOVA_NO_VALID_HOST', words);
  return new FatalError('REEF_NOVA_SERVER_ERROR', words);
}

export function isUnauthorized(e: unknown): boolean {
  return e instanceof OpenStackHttpError && e.status === 401 && e.service !== 'keystone';
}

/** The HTTP status behind a classified error (404 on a lookup means "gone"), if there was an answer. */
export function httpStatus(e: unknown): number | undefined {
  const cause = (e as { cause?: unknown } | null)?.cause;
  return cause instanceof OpenStackHttpError ? cause.status : e instanceof OpenStackHttpError ? e.status : undefined;
}
