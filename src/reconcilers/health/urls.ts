import { accessOf, type Addresses, type Probe } from '../driver.js';
import type { HostAccess } from '../../util/host-access.js';
import { fetchAllowed } from '../fetch-allowed.js';
import { describeSocketError } from './tcp-connect.js';
import type { HealthCheck } from './types.js';

export interface UrlsCheckConfig {
  /** already rendered by the controller (`{{ip}}` replaced). */
  urls: string[];
  /** per URL; default 2000 ms. */
  timeoutMs?: number;
}

/** A URL reef serve may probe for a client: on the instance's own address, or under an allowed prefix. */
export function probeAllowed(access: HostAccess, target: Addresses): (url: string) => boolean {
  const own = [target.ip, target.privateIp].filter((a): a is string => Boolean(a)).map((a) => (a.includes(':') ? `[${a}]` : a));
  return (url) => {
    try {
      const u = new URL(url);
      return (/^https?:$/.test(u.protocol) && !u.username && !u.password && own.includes(u.hostname)) || access.url(url);
    } catch {
      return false;
    }
  };
}

async function request(url: string, method: 'HEAD' | 'GET', signal: AbortSignal, access: HostAccess, target: Addresses): Promise<number> {
  const res = await fetchAllowed(url, { method, signal }, access, 'health_check url', probeAllowed(access, target));
  await res.body?.cancel(); // we only want the status; never read a large body
  return res.status;
}

function describeFetchError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
  if (cause && typeof cause === 'object') return describeSocketError(cause.code, cause.message);
  return err instanceof Error ? err.message : String(err);
}

/** Occopus sends HEAD; servers that refuse HEAD (405/501) get a GET. 2xx (after redirects) is ok. */
async function probeUrl(url: string, timeoutMs: number, outer: AbortSignal, access: HostAccess, target: Addresses): Promise<Probe> {
  const name = `url ${url}`;
  const timeout = AbortSignal.timeout(timeoutMs); // wall clock: bounds real I/O
  const signal = AbortSignal.any([outer, timeout]);
  try {
    let status = await request(url, 'HEAD', signal, access, target);
    if (status === 405 || status === 501) status = await request(url, 'GET', signal, access, target);
    return { name, ok: status >= 200 && status < 300, detail: `${url}: HTTP ${status}` };
  } catch (err) {
    if (outer.aborted) throw outer.reason;
    if ((err as { code?: unknown }).code === 'REEF_HOST_ACCESS_DENIED') return { name, ok: false, detail: (err as Error).message };
    return { name, ok: false, detail: `${url}: ${describeFetchError(err, timeout.aborted, timeoutMs)}` };
  }
}

export const urlsCheck: HealthCheck<UrlsCheckConfig> = {
  kind: 'urls',
  async check({ config, target }, ctx) {
    const timeoutMs = config.timeoutMs ?? 2000;
    return Promise.all(config.urls.map((url) => probeUrl(url, timeoutMs, ctx.signal, accessOf(ctx), target)));
  },
};
