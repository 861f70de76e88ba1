/**
 * PostgreSQL failures → ReefError. A lost or refused connection (server restarting, fail-over in progress),
 * serialization failures, deadlocks and resource shortages clear up on their own: transient, the controller
 * retries. Anything else (constraint violation, bad SQL, permission) fails the same way again: fatal.
 */
import { FatalError, TransientError, isReefError, type ReefError } from '../../errors/index.js';

const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown), 40 rollback. */
const TRANSIENT_CLASSES = ['08', '53', '57', '40'];

export function isTransientPgError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (TRANSIENT_NET.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_CLASSES.includes(code.slice(0, 2));
  }
  const message = e instanceof Error ? e.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
}

export function pgStateError(code: 'REEF_STATE_WRITE' | 'REEF_STATE_READ', where: string, what: string, e: unknown): ReefError {
  if (isReefError(e)) return e;
  const reason = e instanceof Error ? e.message : String(e);
  const sqlstate = (e as { code?: unknown } | null)?.code;
  const message = `state store ${where}: ${what} failed: ${reason}${typeof sqlstate === 'string' ? ` [${sqlstate}]` : ''}`;
  return isTransientPgError(e) ? new TransientError(code, message, { cause: e }) : new FatalError(code, message, { cause: e });
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

const ignore = (): void => {};

/**
 * A client checked out of the pool has no error listener of the pool's: without one, a connection the server
 * cuts mid-transaction (restart, fail-over, pg_terminate_backend) is an unhandled 'error' event that kills the
 * process. The query in flight rejects all the same (a transient store error) and the broken client is dropped
 * on release; the listener stays for the client's life (added once), so a late 'error' is harmless too.
 */
export function survivesCut<C extends { on(e: 'error', f: () => void): unknown; listeners(e: 'error'): unknown[] }>(client: C): C {
  if (!client.listeners('error').includes(ignore)) client.on('error', ignore);
  return client;
}
