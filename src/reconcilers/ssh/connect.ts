import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { Client, ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { accessOf, type CallContext } from '../driver.js';
import { allowedFile, type HostAccess } from '../../util/host-access.js';
import { FatalError, TransientError } from '../errors.js';
import { classifySshError } from './classify.js';
import { judgeHostKey } from './host-key.js';
import type { SshTarget } from './types.js';

export interface SshSession {
  client: Client;
  /** the server's host key fingerprint, for the caller to record (trust on first use). */
  fingerprint: string;
  close(): void;
}

/** "root@10.0.0.4:22": names a connection in messages; never carries a secret. */
export function describeTarget(t: SshTarget): string {
  return `${t.user}@${t.host}:${t.port ?? 22}`;
}

/** "~/.ssh/id_ed25519" as a shell would read it: node's fs does not expand "~". */
export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

async function authOptions(t: SshTarget, access: HostAccess): Promise<Pick<ConnectConfig, 'privateKey' | 'password'>> {
  let privateKey = t.privateKey;
  if (!privateKey && t.privateKeyPath) {
    const path = allowedFile(access, 'private_key_path', expandHome(t.privateKeyPath)); // reef serve: only where the operator allowed
    try {
      privateKey = await readFile(path, 'utf8');
    } catch (err) {
      throw new FatalError('REEF_SSH_KEY_UNREADABLE', `SSH to ${describeTarget(t)}: cannot read private key file ${t.privateKeyPath}`, {
        cause: err,
      });
    }
  }
  if (!privateKey && t.password === undefined) {
    throw new FatalError('REEF_SSH_NO_CREDENTIALS', `SSH to ${describeTarget(t)}: no private key or password configured`);
  }
  return { privateKey, password: t.password };
}

function forwardThrough(hop: SshSession, t: SshTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    hop.client.forwardOut('127.0.0.1', 0, t.host, t.port ?? 22, (err, stream) => {
      if (err) reject(new TransientError('REEF_SSH_UNREACHABLE', `SSH jump to ${describeTarget(t)}: ${err.message}`, { cause: err }));
      else resolve(stream);
    });
  });
}

/**
 * Opens an authenticated connection. Host keys: trust on first use (hostKey.onFirstSeen gets the fingerprint),
 * a key different from hostKey.expected is refused with REEF_SSH_HOSTKEY_CHANGED. Bounded by readyTimeoutMs
 * (default 10 s) and ctx.signal. The caller must close() the session.
 */
export async function sshConnect(target: SshTarget, ctx: CallContext): Promise<SshSession> {
  if (ctx.signal.aborted) throw ctx.signal.reason;
  const where = describeTarget(target);
  const auth = await authOptions(target, accessOf(ctx));
  const hop = target.jump ? await sshConnect(target.jump, ctx) : undefined;
  let sock: Duplex | undefined;
  try {
    sock = hop ? await forwardThrough(hop, target) : undefined;
  } catch (err) {
    hop?.close();
    throw err;
  }
  // ssh2 loads on the first connection: commands and drivers that never open one do not pay for it
  const { Client: SshClient } = await import('ssh2');
  const client = new SshClient();
  const close = () => {
    client.end();
    hop?.close();
  };
  return new Promise<SshSession>((resolve, reject) => {
    let fingerprint = '';
    let firstSeen = false;
    let rejectedKey: string | undefined;
    let settled = false;
    const settle = (err: unknown, session?: SshSession) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      if (session) return resolve(session);
      client.destroy();
      hop?.close();
      reject(err);
    };
    const onAbort = () => settle(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    client.on('ready', () => {
      if (firstSeen) target.hostKey?.onFirstSeen?.(fingerprint);
      ctx.log.debug({ endpoint: where, firstSeen }, 'ssh connected');
      settle(undefined, { client, fingerprint, close });
    });
    client.on('error', (err) => {
      if (rejectedKey) {
        const msg = `SSH to ${where}: host key changed (expected ${target.hostKey?.expected}, got ${rejectedKey}); refusing to connect`;
        return settle(new FatalError('REEF_SSH_HOSTKEY_CHANGED', msg, { cause: err }));
      }
      settle(classifySshError(err, where));
    });
    client.on('close', () => settle(new TransientError('REEF_SSH_UNREACHABLE', `SSH to ${where}: connection closed during handshake`)));
    try {
      client.connect({
        host: target.host,
        port: target.port ?? 22,
        username: target.user,
        ...auth,
        sock,
        readyTimeout: target.readyTimeoutMs ?? 10_000,
        hostVerifier: (key: Buffer) => {
          const verdict = judgeHostKey(key, target.hostKey);
          fingerprint = verdict.fingerprint;
          if (!verdict.ok) rejectedKey = verdict.fingerprint;
          else firstSeen = verdict.firstSeen;
          return verdict.ok;
        },
      });
    } catch (err) {
      settle(classifySshError(err, where)); // e.g. a private key ssh2 cannot parse
    }
  });
}

/** Runs fn with a connected session and always closes it. */
export async function withSshSession<T>(target: SshTarget, ctx: CallContext, fn: (s: SshSession) => Promise<T>): Promise<T> {
  const session = await sshConnect(target, ctx);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}
