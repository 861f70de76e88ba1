/**
 * One table from error to HTTP status, and the body every error response has:
 * `{status_code, reason, message, code}` (Occopus's error shape, but with the real HTTP status).
 * Bad input is the CLI's notion (exit code 2, src/cli/exit.ts); the table only refines it.
 */
import { STATUS_CODES } from 'node:http';
import { isReefError } from '../reconcilers/errors.js';
import { EXIT, exitCodeOf, messageOf } from '../cli/exit.js';

/** Exact codes first, then prefixes (`REEF_SPEC_` covers every spec error). */
const STATUS_BY_CODE: Array<[code: string | RegExp, status: number]> = [
  ['REEF_API_UNAUTHORIZED', 401],
  ['REEF_API_NOT_FOUND', 404],
  ['REEF_INFRA_UNKNOWN', 404],
  ['REEF_SCALE_UNKNOWN_NODE', 404],
  ['REEF_INSTANCE_UNKNOWN', 404],
  ['REEF_SCALE_OUT_OF_RANGE', 409],
  ['REEF_API_BAD_REQUEST', 400],
  // fastify's own: schema validation, body parsing, limits
  ['FST_ERR_VALIDATION', 400],
  ['FST_ERR_CTP_BODY_TOO_LARGE', 413],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415],
  [/^FST_ERR_CTP_/, 400],
];

export interface ErrorBody {
  status_code: number;
  reason: string;
  message: string;
  code: string;
}

export function httpStatusOf(e: unknown): number {
  const code = codeOf(e);
  for (const [match, status] of STATUS_BY_CODE) {
    if (typeof match === 'string' ? match === code : match.test(code)) return status;
  }
  if (exitCodeOf(e) === EXIT.badInput) return 400; // REEF_SPEC_*, REEF_AUTH_*, usage errors, ...
  const own = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof own === 'number' && own >= 400 && own < 600) return own;
  return 500;
}

export function errorBody(e: unknown): ErrorBody {
  const status = httpStatusOf(e);
  // an unexpected failure's message may carry internals; people get the reason and the logs get the rest
  const message = status === 500 && !isReefError(e) ? 'internal error (see the server log)' : messageOf(e);
  return { status_code: status, reason: STATUS_CODES[status] ?? 'Error', message, code: codeOf(e) || 'REEF_API_INTERNAL' };
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
