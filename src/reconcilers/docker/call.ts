/**
 * Every Docker API call goes through dockerCall: it honours the caller's signal, adds a deadline on the
 * injected clock (no modem-wide timeout, which would also cut the long-lived events stream), and classifies
 * whatever fails into a ReefError whose `cause` is the raw dockerode error.
 */
import type { CallContext } from '../driver.js';
import { classifyDockerError } from './classify.js';

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
/** image loads and pulls move whole images. */
export const IMAGE_CALL_TIMEOUT_MS = 10 * 60_000;

export async function dockerCall<T>(
  ctx: Pick<CallContext, 'signal' | 'clock'>,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = ctx.clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  // calls whose dockerode method takes no abortSignal (image inspect) still end when the signal fires.
  let onStop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onStop = () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
    controller.signal.addEventListener('abort', onStop, { once: true });
  });
  stopped.catch(() => undefined);
  try {
    return await Promise.race([fn(controller.signal), stopped]);
  } catch (e) {
    throw classifyDockerError(e, what, { signal: ctx.signal, timedOutAfterMs: timedOut ? timeoutMs : undefined });
  } finally {
    ctx.clock.clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    if (onStop) controller.signal.removeEventListener('abort', onStop);
  }
}

/** The raw dockerode error behind a classified one (its HTTP status decides idempotent outcomes: 304, 404, 409). */
export function rawStatus(e: unknown): number | undefined {
  const cause = (e as { cause?: { statusCode?: unknown } } | null)?.cause;
  return typeof cause?.statusCode === 'number' ? cause.statusCode : undefined;
}
