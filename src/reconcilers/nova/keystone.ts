/**
 * Keystone v3 tokens: one per (Keystone URL, identity, project), cached and renewed before expiry, shared by
 * concurrent callers (a single request in flight). A token a service refuses (401) is dropped and fetched once
 * more by the caller (session.ts). The token travels only in the X-Auth-Token header: never logged or stored.
 */
import type { CallContext } from '../driver.js';
import { TransientError, type ReefError } from '../errors.js';
import type { CatalogEntry } from './catalog.js';
import { classifyOpenStackError } from './classify.js';
import { identityCacheKey, identityKey, type NovaIdentity } from './credentials.js';
import { requestJson } from './http.js';

export interface Token {
  value: string;
  expiresAt: number;
  issuedAt: number;
  projectId?: string;
  catalog: CatalogEntry[];
}

export interface TokenTarget {
  keystoneUrl: string;
  identity: NovaIdentity;
  /** scope for password auth (Occopus's project_id); application credentials carry their own. */
  projectId: string;
}

/** Renew when less than this share of the token's life is left (and at least 60 s before expiry). */
const RENEW_SHARE = 0.1;
const RENEW_MIN_MS = 60_000;
/**
 * How long Keystone's "no" to an identity is believed without asking again. Retried creates of a node fail at
 * once instead of each costing a (deliberately slow) failed login, and clouds that lock accounts after a few
 * failed logins are not pushed there by reef's retries. A changed secret is a new identity and asks at once.
 */
export const REJECTION_TTL_MS = 5 * 60_000;

export function authBody(target: TokenTarget): unknown {
  const id = target.identity;
  if (id.kind === 'application_credential') {
    return { auth: { identity: { methods: ['application_credential'], application_credential: { id: id.id, secret: id.secret } } } };
  }
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: id.username, domain: { name: id.userDomainName }, password: id.password } } },
      scope: { project: { id: target.projectId } },
    },
  };
}

export function needsRenewal(token: Token, now: number): boolean {
  const margin = Math.max(RENEW_MIN_MS, (token.expiresAt - token.issuedAt) * RENEW_SHARE);
  return now >= token.expiresAt - margin;
}

export class TokenCache {
  private readonly tokens = new Map<string, Token>();
  private readonly inflight = new Map<string, Promise<Token>>();
  private readonly rejected = new Map<string, { error: ReefError; until: number }>();
  /** how many tokens were issued (tests and logs). */
  issued = 0;

  key(target: TokenTarget): string {
    return `${target.keystoneUrl}|${identityCacheKey(target.identity)}|${target.projectId}`;
  }

  async get(target: TokenTarget, ctx: CallContext): Promise<Token> {
    const key = this.key(target);
    const cached = this.tokens.get(key);
    if (cached && !needsRenewal(cached, ctx.clock.now())) return cached;
    const no = this.rejected.get(key);
    if (no && ctx.clock.now() < no.until) throw no.error;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.issue(target, ctx).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** A service said 401: forget this token (only if it is still the cached one). */
  drop(target: TokenTarget, token: Token): void {
    const key = this.key(target);
    if (this.tokens.get(key)?.value === token.value) this.tokens.delete(key);
  }

  clear(): void {
    this.tokens.clear();
    this.rejected.clear();
  }

  private async issue(target: TokenTarget, ctx: CallContext): Promise<Token> {
    const what = `Keystone token for ${identityKey(target.identity)} at ${target.keystoneUrl}`;
    const started = ctx.clock.now();
    let res;
    try {
      res = await requestJson({
        method: 'POST', url: `${target.keystoneUrl}/auth/tokens`, body: authBody(target),
        idempotent: true, service: 'keystone', signal: ctx.signal,
      });
    } catch (e) {
      const error = classifyOpenStackError(e, what);
      if (error.code === 'REEF_NOVA_AUTH_FAILED') this.rejected.set(this.key(target), { error, until: ctx.clock.now() + REJECTION_TTL_MS });
      throw error;
    }
    const value = res.headers.get('x-subject-token');
    const token = (res.body as { token?: { expires_at?: string; issued_at?: string; project?: { id?: string }; catalog?: CatalogEntry[] } })?.token;
    if (!value || !token) throw new TransientError('REEF_NOVA_BAD_RESPONSE', `${what}: the answer carried no token`);
    const now = ctx.clock.now();
    const expiresAt = token.expires_at ? Date.parse(token.expires_at) : Number.NaN;
    const issuedAt = token.issued_at ? Date.parse(token.issued_at) : Number.NaN;
    // Keystone's clock, not ours: keep only the lifetime and count it from our now.
    const life = Number.isFinite(expiresAt) && Number.isFinite(issuedAt) ? Math.max(0, expiresAt - issuedAt) : 3_600_000;
    const fresh: Token = { value, issuedAt: now, expiresAt: now + life, projectId: token.project?.id, catalog: token.catalog ?? [] };
    this.tokens.set(this.key(target), fresh);
    this.issued++;
    ctx.log.debug({ driver: 'nova', keystone: target.keystoneUrl, who: identityKey(target.identity), lifeS: Math.round(life / 1000),
      durationMs: now - started }, 'nova: keystone token issued');
    return fresh;
  }
}
