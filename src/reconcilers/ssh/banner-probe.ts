import net from 'node:net';

export type BannerResult = { ok: true } | { ok: false; reason: string };

/**
 * The cheapest "this host answers SSH" test: TCP connect and read the server's "SSH-2.0-..." greeting, no
 * handshake and no credentials. Bounded by timeoutMs (wall clock: real I/O) and the signal.
 */
export function probeSshBanner(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<BannerResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const socket = net.connect({ host, port });
    let seen = '';
    const done = (result: BannerResult | null, abortReason?: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      if (result) resolve(result);
      else reject(abortReason);
    };
    const onAbort = () => done(null, signal!.reason);
    const timer = setTimeout(() => done({ ok: false, reason: `no SSH greeting within ${timeoutMs} ms` }), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
      // RFC 4253: the server may send other lines before its identification string.
      if (/(^|\n)SSH-/.test(seen)) done({ ok: true });
      else if (seen.length > 8192) done({ ok: false, reason: 'not an SSH server (no SSH- greeting)' });
    });
    socket.on('end', () => done({ ok: false, reason: 'connection closed before the SSH greeting' }));
    socket.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }));
  });
}

/** Remembers recent probe results so list() on every tick does not reconnect to every host. */
export class BannerCache {
  private readonly entries = new Map<string, { at: number; result: BannerResult }>();
  constructor(private readonly ttlMs: number) {}

  async get(hostId: string, now: number, probe: () => Promise<BannerResult>): Promise<BannerResult> {
    const hit = this.entries.get(hostId);
    // Only successes are cached: a host that is down is re-probed each time so it turns running promptly.
    if (hit && hit.result.ok && now - hit.at < this.ttlMs) return hit.result;
    const result = await probe();
    this.entries.set(hostId, { at: now, result });
    return result;
  }

  forget(hostId: string): void {
    this.entries.delete(hostId);
  }
}
