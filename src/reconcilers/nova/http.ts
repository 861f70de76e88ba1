/**
 * One JSON request to an OpenStack API over Node's built-in fetch (undici). Why plain fetch: the few Node
 * OpenStack clients are unmaintained, and reef needs only a dozen calls whose wire shapes the tests pin.
 *
 * - Every request has a deadline and follows the caller's abort signal.
 * - A request that is safe to repeat (GET, DELETE, Keystone's token POST) is sent once more at once when the
 *   socket dies under it: Keystone under uwsgi closes kept-alive connections, which is not a failure.
 *   A server-creating POST is never repeated here (the driver looks up what it may have created instead).
 * - A non-2xx answer becomes an OpenStackHttpError with the service's own message; classify.ts decides.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** repeat once on a dropped connection (never for server creation). */
  idempotent: boolean;
  /** "nova", "neutron", "keystone": names the service in messages. */
  service: string;
  signal: AbortSignal;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** parsed JSON, or undefined for an empty body */
  body: unknown;
}

export class OpenStackHttpError extends Error {
  constructor(
    readonly status: number,
    readonly service: string,
    readonly method: string,
    readonly path: string,
    /** the service's own words (Nova `{kind:{message}}`, Neutron `{NeutronError:{message}}`, Keystone `{error:{message}}`) */
    readonly cloudMessage: string,
    /** Nova's error kind ("forbidden", "badRequest") or Neutron's type ("OverQuota") */
    readonly kind: string | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`${service} ${method} ${path}: HTTP ${status}${cloudMessage ? ` ${cloudMessage}` : ''}`);
    this.name = 'OpenStackHttpError';
  }
}

/** The request timed out on reef's side (distinct from the caller aborting). */
export class RequestTimeoutError extends Error {
  constructor(readonly service: string, readonly what: string, readonly timeoutMs: number) {
    super(`${service} ${what}: no answer within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** The network error code under fetch's generic "fetch failed" TypeError, if any. */
export function networkCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function requestJson(req: HttpRequest): Promise<HttpResponse> {
  try {
    return await once(req);
  } catch (e) {
    const code = networkCode(e);
    if (req.idempotent && code && DROPPED.has(code) && !req.signal.aborted) return once(req);
    throw e;
  }
}

async function once(req: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  const path = pathOf(req.url);
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: { Accept: 'application/json', ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...req.headers },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      signal,
    });
    text = await res.text();
  } catch (e) {
    if (req.signal.aborted) throw Object.assign(new Error(`${req.service} ${req.method} ${path}: cancelled`), { name: 'AbortError' });
    if (timeout.aborted) throw new RequestTimeoutError(req.service, `${req.method} ${path}`, timeoutMs);
    throw e;
  }
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, body };
  const { message, kind } = errorText(body);
  throw new OpenStackHttpError(res.status, req.service, req.method, path, message, kind, retryAfter(res.headers.get('retry-after')));
}

/** The service's message and kind from any of the three error envelopes OpenStack uses. */
export function errorText(body: unknown): { message: string; kind?: string } {
  if (typeof body === 'string') return { message: body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300) };
  if (typeof body !== 'object' || body === null) return { message: '' };
  const b = body as Record<string, unknown>;
  if (b.NeutronError && typeof b.NeutronError === 'object') {
    const n = b.NeutronError as { message?: unknown; type?: unknown };
    return { message: String(n.message ?? ''), kind: typeof n.type === 'string' ? n.type : undefined };
  }
  const entries = Object.entries(b);
  if (entries.length === 1 && typeof entries[0][1] === 'object' && entries[0][1] !== null) {
    const [kind, inner] = entries[0] as [string, { message?: unknown }];
    if (inner.message !== undefined) return { message: String(inner.message), kind };
  }
  if (typeof b.message === 'string') return { message: b.message };
  return { message: '' };
}

/** Retry-After in seconds or as an HTTP date → ms. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
