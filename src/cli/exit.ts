/** Exit codes: 0 done, 1 did not converge (or a cloud/store failure), 2 bad input or usage; decided by class (src/errors/). */
export { EXIT, exitCodeOf, messageOf } from '../errors/policy.js';

/** A command-line mistake; REEF_USAGE is catalogued as class "input" (exit 2). */
export class UsageError extends Error {
  readonly code = 'REEF_USAGE';
}
