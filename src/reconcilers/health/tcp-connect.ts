import net from 'node:net';

export type ConnectOutcome =
  | { kind: 'open' }
  | { kind: 'timeout' }
  | { kind: 'error'; code: string; message: string };

const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'name not resolved',
  EAI_AGAIN: 'name not resolved (temporary)',
};

/** "connection refused" for ECONNREFUSED, the raw message for anything unknown. */
export function describeSocketError(code: string | undefined, message: string): string {
  return (code && WORDS[code]) ?? message;
}

export function describeOutcome(outcome: ConnectOutcome, timeoutMs: number): string {
  if (outcome.kind === 'open') return 'open';
  if (outcome.kind === 'timeout') return `no answer within ${timeoutMs} ms`;
  return describeSocketError(outcome.code, outcome.message);
}

/**
 * One TCP connect, closed at once. Resolves with the outcome; rejects only when `signal` aborts.
 * The timeout is wall-clock on purpose: it bounds real network I/O, which an injected simulated clock never drives.
 */
export function tcpConnect(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ConnectOutcome> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const socket = net.connect({ host, port });
    const finish = (outcome: ConnectOutcome | null, abortReason?: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => {}); // a late error after destroy must not crash the process
      socket.destroy();
      if (outcome) resolve(outcome);
      else reject(abortReason);
    };
    const onAbort = () => finish(null, signal!.reason);
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ kind: 'open' }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ kind: 'error', code: err.code ?? 'UNKNOWN', message: err.message }),
    );
  });
}
