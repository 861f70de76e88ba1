/** Maps whatever the simulated cloud threw (SQLite, an abort) to a ReefError, once, at the driver boundary. */
import { FatalError, isReefError, TransientError, type ReefError } from '../errors.js';

const BROKEN = new Set(['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_PERM']);

export function classifyDummyError(e: unknown, what: string, signal?: AbortSignal): ReefError {
  if (isReefError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (signal?.aborted) return new TransientError('REEF_DUMMY_ABORTED', `${what} aborted`, { cause: e });
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new TransientError('REEF_DUMMY_CLOUD_BUSY', `${what}: simulated cloud busy (${message})`, { cause: e });
    }
    if (BROKEN.has(code.replace(/_[A-Z]+$/, '')) || BROKEN.has(code)) {
      return new FatalError('REEF_DUMMY_CLOUD_BROKEN', `${what}: simulated cloud file unusable (${message})`, { cause: e });
    }
  }
  // unknown: retrying is the safe default; classified:false so the table grows
  return new TransientError('REEF_DUMMY_CLOUD_ERROR', `${what}: ${message}`, { cause: e, classified: false });
}
