import type { Probe } from '../driver.js';
import { describeSocketError } from './tcp-connect.js';
import type { HealthCheck } from './types.js';

export interface UrlsCheckConfig {
  /** already rendered by the controller (`{{ip}}` replaced). */
  urls: string[];
  /** per URL; default 2000 ms. */
  timeoutMs?: number;
}

async function request(url: string, method: 'HEAD' | 'GET', signal: AbortSignal): Promise<number> {
  const res = await fetch(url, { method, signal, redirect: 'follow' });
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
async function probeUrl(url: string, timeoutMs: number, outer: AbortSignal): Promise<Probe> {
  const name = `url ${url}`;
  const timeout = AbortSignal.timeout(timeoutMs); // wall clock: bounds real I/O
  const signal = AbortSignal.any([outer, timeout]);
  try {
    let status = await request(url, 'HEAD', signal);
    if (status === 405 || status === 501) status = await request(url, 'GET', signal);
    return { name, ok: status >= 200 && status < 300, detail: `${url}: HTTP ${status}` };
  } catch (err) {
    if (outer.aborted) throw outer.reason;
    return { name, ok: false, detail: `${url}: ${describeFetchError(err, timeout.aborted, timeoutMs)}` };
  }
}

export const urlsCheck: HealthCheck<UrlsCheckConfig> = {
  kind: 'urls',
  async check({ config }, ctx) {
    const timeoutMs = config.timeoutMs ?? 2000;
    return Promise.all(config.urls.map((url) => probeUrl(url, timeoutMs, ctx.signal)));
  },
};
