/**
 * SQLite failures → ReefError. Lock contention, a full disk and I/O errors can clear up on their own, so the
 * controller may retry them (transient); anything else (read-only store, constraint violation, corruption) will
 * fail the same way again (fatal).
 */
import { FatalError, TransientError, isReefError, type ReefError } from '../../errors/index.js';

const TRANSIENT_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR'];

export function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function isTransientSqliteCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_PREFIXES.some((p) => code === p || code.startsWith(`${p}_`));
}

/** Wraps a failed read or write of the store; ReefErrors (REEF_SCALE_* and friends) pass through untouched. */
export function stateError(code: 'REEF_STATE_WRITE' | 'REEF_STATE_READ', path: string, what: string, e: unknown): ReefError {
  if (isReefError(e)) return e;
  const sqlite = sqliteCode(e);
  const reason = e instanceof Error ? e.message : String(e);
  const hint = sqlite?.startsWith('SQLITE_READONLY') ? ' (the store is read-only)' : '';
  const message = `state store ${path}: ${what} failed: ${reason}${sqlite ? ` [${sqlite}]` : ''}${hint}`;
  return isTransientSqliteCode(sqlite)
    ? new TransientError(code, message, { cause: e })
    : new FatalError(code, message, { cause: e });
}
