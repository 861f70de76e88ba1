/**
 * Small helpers every driver needs at its boundary, so the contract's error obligations (driver.ts) are kept
 * the same way everywhere: only ReefErrors leave a driver, and a call that stopped because the engine aborted it
 * says so with REEF_ABORTED (transient) instead of leaking the signal's reason.
 */
import { TransientError, asReefError, isReefError, type ReefError } from '../errors/index.js';
import type { CallContext } from './driver.js';

export function abortedError(what: string, signal: AbortSignal): ReefError {
  return new TransientError('REEF_ABORTED', `${what}: aborted`, { cause: signal.reason });
}

/**
 * Runs one driver method: an abort becomes REEF_ABORTED, anything else unclassified becomes `fallbackCode`
 * (transient, classified: false). ReefErrors pass through untouched.
 */
export async function atBoundary<T>(ctx: CallContext, what: string, fn: () => Promise<T>, fallbackCode = 'REEF_UNCLASSIFIED'): Promise<T> {
  if (ctx.signal.aborted) throw abortedError(what, ctx.signal);
  try {
    return await fn();
  } catch (e) {
    if (isReefError(e)) throw e;
    if (ctx.signal.aborted) throw abortedError(what, ctx.signal);
    throw asReefError(e, fallbackCode);
  }
}

/** crossplane's resource.Ignore: decide an idempotent outcome ("already gone") on the raw error, before classifying. */
export async function ignoreIf<T>(is: (e: unknown) => boolean, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (is(e)) return undefined;
    throw e;
  }
}
