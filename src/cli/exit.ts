/** One table from error to exit code: 0 done, 1 did not converge (or a cloud/store failure), 2 bad input or usage. */
import { isReefError } from '../reconcilers/errors.js';

export const EXIT = { ok: 0, notConverged: 1, badInput: 2 } as const;

const BAD_INPUT = /^REEF_(SPEC|SCALE|AUTH|INFRA_UNKNOWN|USAGE|DRIVER_UNKNOWN|CONTEXT|INSTANCE_UNKNOWN)/;

export class UsageError extends Error {
  readonly code = 'REEF_USAGE';
}

export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT.badInput;
  if (isReefError(e)) return BAD_INPUT.test(e.code) ? EXIT.badInput : EXIT.notConverged;
  return EXIT.notConverged;
}

/** What a person reads: the message only (one line per diagnostic), never a stack trace. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
