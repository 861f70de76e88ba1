/**
 * Error classes: what kind of failure an error code names, and the one place that decides what reef does about
 * it. The CLI's exit code, the API's HTTP status, whether the engine retries and whether the endpoint limiter
 * narrows all switch on the class, never on how a code is spelled.
 *
 * "input", "not-found" and "conflict" describe what a *person* asked for (a spec, an infra id, a scale target).
 * A missing image or a rejected AMI found while deploying is the cloud refusing the work: "fatal".
 */
export type ErrorClass =
  | 'input'
  | 'not-found'
  | 'conflict'
  | 'unauthorized'
  | 'throttled'
  | 'unreachable'
  | 'transient'
  | 'fatal';

export interface ClassPolicy {
  /** retried with backoff by the engine (TransientError) or not (FatalError). */
  retried: boolean;
  /** reef's exit code when a command ends on this error: 2 = fix your input, 1 = did not work. */
  exitCode: 1 | 2;
  httpStatus: number;
  /** halve the endpoint's concurrency window (AIMD) when a call fails this way. */
  narrowsLimiter: boolean;
  summary: string;
}

export const CLASS_POLICY: Readonly<Record<ErrorClass, ClassPolicy>> = {
  input: { retried: false, exitCode: 2, httpStatus: 400, narrowsLimiter: false, summary: 'bad spec, flag, file or request: fix it and run again' },
  'not-found': { retried: false, exitCode: 2, httpStatus: 404, narrowsLimiter: false, summary: 'the infra, node or instance named does not exist' },
  conflict: { retried: false, exitCode: 2, httpStatus: 409, narrowsLimiter: false, summary: 'the request contradicts the current state (e.g. a scale target outside [min, max])' },
  unauthorized: { retried: false, exitCode: 1, httpStatus: 401, narrowsLimiter: false, summary: "reef's own API refused the caller's token" },
  throttled: { retried: true, exitCode: 1, httpStatus: 429, narrowsLimiter: true, summary: 'the cloud asks reef to slow down: retried, and the endpoint limiter narrows' },
  unreachable: { retried: true, exitCode: 1, httpStatus: 503, narrowsLimiter: false, summary: 'the endpoint does not answer (refused, timeout, DNS): retried' },
  transient: { retried: true, exitCode: 1, httpStatus: 503, narrowsLimiter: false, summary: 'may clear up on its own (5xx, busy, not yet ready): retried with backoff' },
  fatal: { retried: false, exitCode: 1, httpStatus: 500, narrowsLimiter: false, summary: 'will fail the same way again: the instance (or command) fails at once' },
};

export const ERROR_CLASSES = Object.keys(CLASS_POLICY) as ErrorClass[];
