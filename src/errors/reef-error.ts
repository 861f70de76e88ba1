/**
 * Typed errors. Above the drivers, code only ever sees ReefError: drivers classify SDK errors once, at their
 * boundary (classify.ts), and the engine decides retry vs fail on `transient` alone. What else to do with an error
 * (exit code, HTTP status, throttling) follows from its class (classOf).
 */
import { CLASS_POLICY, type ErrorClass } from './classes.js';
import { entryOf, type ErrorCode } from './catalogue.js';

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

  /** The catalogue's class for this code (the one matching this error's transient/fatal kind). */
  get errorClass(): ErrorClass {
    return classFor(this.code, this.transient);
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

/** The error for a catalogued code, transient or fatal as its class says. */
export function reefError(code: ErrorCode, message: string, options?: ReefErrorOptions): ReefError {
  const cls = entryOf(code)!.class;
  return CLASS_POLICY[cls].retried ? new TransientError(code, message, options) : new FatalError(code, message, options);
}

/**
 * A code's class: the catalogue entry's, or its `alsoAs` class whose retry matches `transient`. Codes the
 * catalogue does not know (another reef version's, a plugin's own) fall back on transient/fatal.
 */
export function classFor(code: string, transient: boolean): ErrorClass {
  const entry = entryOf(code);
  if (!entry) return transient ? 'transient' : 'fatal';
  const candidates = [entry.class, ...(entry.alsoAs ?? [])];
  return candidates.find((c) => CLASS_POLICY[c].retried === transient) ?? entry.class;
}

/**
 * The class of anything thrown: a ReefError's own, a catalogued `code` on a plain error (usage errors), else
 * "fatal" (an unexpected failure).
 */
export function classOf(e: unknown): ErrorClass {
  if (isReefError(e)) return classFor(e.code, e.transient);
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const entry = entryOf(code);
    if (entry) return entry.class;
  }
  return 'fatal';
}
