import { FatalError, TransientError, isReefError, type ReefError } from '../errors.js';

/** Socket-level codes that say "not reachable now": the machine may still be booting or its network settling. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
]);

interface Ssh2ErrorShape {
  code?: string;
  /** ssh2: 'client-socket' | 'client-timeout' | 'client-authentication' | 'protocol' | 'client-ssh' ... */
  level?: string;
  message?: string;
}

/**
 * ssh2 / socket error → ReefError. `where` names the connection ("root@10.0.0.4:22") for the message;
 * it never contains a key or password.
 */
export function classifySshError(err: unknown, where: string): ReefError {
  if (isReefError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as Ssh2ErrorShape;
  const message = e.message ?? String(err);
  if ((e.code && UNREACHABLE_CODES.has(e.code)) || e.level === 'client-timeout' || /timed out while waiting for handshake/i.test(message)) {
    const why = e.code ?? 'handshake timeout';
    return new TransientError('REEF_SSH_UNREACHABLE', `SSH to ${where} not reachable (${why}): ${message}`, { cause: err });
  }
  if (e.level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return new FatalError('REEF_SSH_AUTH', `SSH to ${where}: authentication failed (${message})`, { cause: err });
  }
  if (/cannot parse privatekey|encrypted private openssh key|no passphrase given/i.test(message)) {
    return new FatalError('REEF_SSH_KEY_INVALID', `SSH to ${where}: the private key cannot be used (${message})`, { cause: err });
  }
  // Unknown: the connection may have dropped mid-way; retrying is the safe default.
  return new TransientError('REEF_SSH_FAILED', `SSH to ${where}: ${message}`, { cause: err, classified: false });
}
