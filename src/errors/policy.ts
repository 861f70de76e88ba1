/** What the surfaces do with an error: all of it read from the error's class (src/errors/classes.ts). */
import { CLASS_POLICY } from './classes.js';
import { classOf, isReefError } from './reef-error.js';

export const EXIT = { ok: 0, notConverged: 1, badInput: 2 } as const;

/** 0 done, 1 did not converge (or a cloud/store failure), 2 bad input or usage. */
export function exitCodeOf(e: unknown): number {
  return CLASS_POLICY[classOf(e)].exitCode;
}

/**
 * A ReefError's or catalogued code's status comes from its class. Errors from elsewhere (fastify's body
 * parser and schema validation) keep their own 4xx/5xx; anything else is 500.
 */
export function httpStatusOf(e: unknown): number {
  const code = (e as { code?: unknown } | null)?.code;
  const catalogued = isReefError(e) || (typeof code === 'string' && code.startsWith('REEF_'));
  if (!catalogued) {
    const own = (e as { statusCode?: unknown } | null)?.statusCode;
    if (typeof own === 'number' && own >= 400 && own < 600) return own;
  }
  return CLASS_POLICY[classOf(e)].httpStatus;
}

/** The endpoint limiter halves its window on these (a Docker 429, an EC2 RequestLimitExceeded, ...). */
export function narrowsLimiter(e: unknown): boolean {
  return CLASS_POLICY[classOf(e)].narrowsLimiter;
}

/** What a person reads: the message only (one line per diagnostic), never a stack trace. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
