/**
 * Authenticated calls to one project's compute and network endpoints: token from the cache, endpoints from
 * its catalog (region, public interface), the compute microversion negotiated once per compute URL. A 401
 * from a service drops the token and repeats the call once with a fresh one.
 */
import type { CallContext } from '../driver.js';
import { pickEndpoint } from './catalog.js';
import { classifyOpenStackError, isUnauthorized } from './classify.js';
import { requestJson, type HttpResponse } from './http.js';
import type { Token, TokenCache, TokenTarget } from './keystone.js';
import { negotiate } from './microversion.js';

export interface CallOptions {
  /** repeat once on a dropped connection (false for server creation). */
  idempotent?: boolean;
  /** what the call does, for error messages */
  what: string;
}

export class OpenStackSession {
  constructor(
    private readonly tokens: TokenCache,
    private readonly microversions: Map<string, Promise<string | undefined>>,
    readonly target: TokenTarget,
    private readonly region: string | undefined,
  ) {}

  async computeUrl(ctx: CallContext): Promise<string> {
    return pickEndpoint((await this.tokens.get(this.target, ctx)).catalog, 'compute', this.region);
  }

  async networkUrl(ctx: CallContext): Promise<string> {
    const url = pickEndpoint((await this.tokens.get(this.target, ctx)).catalog, 'network', this.region);
    return /\/v2\.0$/.test(url) ? url : `${url}/v2.0`;
  }

  /** the negotiated compute microversion (undefined: the cloud has none, plain 2.1). */
  async microversion(ctx: CallContext): Promise<string | undefined> {
    const url = await this.computeUrl(ctx);
    let pending = this.microversions.get(url);
    if (!pending) {
      pending = this.send(ctx, 'nova', 'GET', `${url}/`, undefined, { what: `compute version at ${url}` }, undefined)
        .then((res) => negotiate(res.body));
      this.microversions.set(url, pending);
      pending.catch(() => this.microversions.delete(url));
    }
    return pending;
  }

  async compute(ctx: CallContext, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, opts: CallOptions): Promise<HttpResponse> {
    const [url, version] = [await this.computeUrl(ctx), await this.microversion(ctx)];
    const headers = version ? { 'OpenStack-API-Version': `compute ${version}` } : undefined;
    return this.send(ctx, 'nova', method, `${url}${path}`, body, opts, headers);
  }

  async network(ctx: CallContext, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, opts: CallOptions): Promise<HttpResponse> {
    return this.send(ctx, 'neutron', method, `${await this.networkUrl(ctx)}${path}`, body, opts, undefined);
  }

  /** Throws ReefErrors only; the raw OpenStackHttpError is their `cause` (httpStatus() reads it). */
  private async send(ctx: CallContext, service: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body: unknown,
    opts: CallOptions, headers: Record<string, string> | undefined): Promise<HttpResponse> {
    const idempotent = opts.idempotent ?? method !== 'POST';
    let token: Token = await this.tokens.get(this.target, ctx);
    const started = ctx.clock.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await requestJson({ method, url, body, idempotent, service, signal: ctx.signal,
          headers: { 'X-Auth-Token': token.value, ...headers } });
        ctx.log.debug({ driver: 'nova', service, method, path: new URL(url).pathname, status: res.status,
          durationMs: ctx.clock.now() - started }, `nova: ${method} ${service}`);
        return res;
      } catch (e) {
        ctx.log.debug({ driver: 'nova', service, method, path: new URL(url).pathname, durationMs: ctx.clock.now() - started,
          err: { status: (e as { status?: unknown }).status, message: (e as Error).message } }, `nova: ${method} ${service} failed`);
        if (attempt === 0 && isUnauthorized(e)) {
          // a revoked or expired token: one fresh token, one more try (a server POST was refused, so nothing was created)
          this.tokens.drop(this.target, token);
          token = await this.tokens.get(this.target, ctx);
          continue;
        }
        throw classifyOpenStackError(e, opts.what);
      }
    }
  }
}
