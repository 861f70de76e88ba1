/**
 * Typed errors. Above reconcilers/ code only ever sees ReefError: drivers classify SDK errors once, at their
 * boundary (classify.ts), and the controller decides retry vs fail on `transient` alone.
 */
const BRAND = Symbol.for('reef.error');

export interface ReefErrorOptions {
  cause?: unknown;
  retryAfterMs?: number;
  /** false when a driver could not map the underlying error and fell back to a default kind. */
  classified?: boolean;
}

export abstract class ReefError extends Error {
  abstract readonly transient: boolean;
  readonly code: string;
  readonly retryAfterMs?: number;
  readonly classified: boolean;
  readonly [BRAND] = true;

  constructor(code: string, message: string, options: ReefErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.classified = options.classified ?? true;
    this.name = new.target.name;
  }

  toJSON(): { code: string; message: string; transient: boolean; retryAfterMs?: number } {
    return {
      code: this.code,
      message: this.message,
      transient: this.transient,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }
}

/** Throttling, timeouts, 5xx, not-yet-running: retried with backoff until the node's deadline. */
export class TransientError extends ReefError {
  readonly transient = true;
}

/** Bad image, bad credentials, quota, invalid parameter: fails the instance at once. */
export class FatalError extends ReefError {
  readonly transient = false;
}

/** Brand check that survives a plugin bundling its own copy of this module. */
export function isReefError(e: unknown): e is ReefError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** Anything unclassified is transient (retrying is the safe default) but marked so the tables can grow. */
export function asReefError(e: unknown, code = 'REEF_UNCLASSIFIED'): ReefError {
  if (isReefError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new TransientError(code, message, { cause: e, classified: false });
}
