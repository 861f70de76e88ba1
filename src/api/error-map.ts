/**
 * The body every error response has: `{status_code, reason, message, code}` (Occopus's error shape, but with the
 * real HTTP status). The status follows the error's class (src/errors/classes.ts), as the CLI's exit code does.
 */
import { STATUS_CODES } from 'node:http';
import { isReefError, httpStatusOf, messageOf } from '../errors/index.js';

export { httpStatusOf };

export interface ErrorBody {
  status_code: number;
  reason: string;
  message: string;
  code: string;
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
