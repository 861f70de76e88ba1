import { describe, expect, it } from 'vitest';
import { toNovaIdentity } from './credentials.js';
import { authBody, needsRenewal } from './keystone.js';
import { errorText, retryAfter } from './http.js';

describe('auth_data → Keystone v3 auth body', () => {
  it('scopes password auth to project_id, with user_domain_name (default "Default")', () => {
    const identity = toNovaIdentity({ username: 'u', password: 'pw' }, undefined);
    expect(authBody({ keystoneUrl: 'k', identity, projectId: 'p1' })).toEqual({ auth: {
      identity: { methods: ['password'], password: { user: { name: 'u', domain: { name: 'Default' }, password: 'pw' } } },
      scope: { project: { id: 'p1' } },
    } });
  });
  it('sends application credentials without a scope (Keystone refuses one)', () => {
    const identity = toNovaIdentity({ type: 'application_credential', id: 'ac', secret: 's' }, 'Other');
    expect(authBody({ keystoneUrl: 'k', identity, projectId: 'p1' })).toEqual({ auth: {
      identity: { methods: ['application_credential'], application_credential: { id: 'ac', secret: 's' } } } });
  });
  it('names a missing key, never a value', () => {
    expect(() => toNovaIdentity({ username: 'u', password: '' }, undefined)).toThrow('nova auth_data needs a non-empty string "password"');
    expect(() => toNovaIdentity({ type: 'application_credential', id: 'x' }, undefined)).toThrow('"secret"');
    expect(() => toNovaIdentity({ type: 'voms', proxy: 'p' }, undefined)).toThrow(/"application_credential" or absent/);
    expect(() => toNovaIdentity(undefined, undefined)).toThrow(/add a `type: nova` entry/);
  });
});

describe('token renewal', () => {
  it('renews in the last tenth of the life, and at least a minute before expiry', () => {
    const token = { value: 't', issuedAt: 0, expiresAt: 4 * 3_600_000, catalog: [] };
    expect(needsRenewal(token, 3 * 3_600_000)).toBe(false);
    expect(needsRenewal(token, 4 * 3_600_000 - 24 * 60_000)).toBe(true);
    const short = { value: 't', issuedAt: 0, expiresAt: 120_000, catalog: [] };
    expect(needsRenewal(short, 50_000)).toBe(false);
    expect(needsRenewal(short, 61_000)).toBe(true);
  });
});

describe('errorText / retryAfter', () => {
  it('reads the three envelopes', () => {
    expect(errorText({ itemNotFound: { code: 404, message: 'Instance x could not be found.' } })).toEqual({ message: 'Instance x could not be found.', kind: 'itemNotFound' });
    expect(errorText({ NeutronError: { type: 'OverQuota', message: 'q', detail: '' } })).toEqual({ message: 'q', kind: 'OverQuota' });
    expect(errorText({ error: { code: 401, message: 'auth', title: 'Unauthorized' } })).toEqual({ message: 'auth', kind: 'error' });
  });
  it('reads seconds and dates', () => {
    expect(retryAfter('3')).toBe(3_000);
    expect(retryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfter(null)).toBeUndefined();
  });
});

describe('token cache key', () => {
  it('differs when only the password differs, and holds no secret', async () => {
    const { TokenCache } = await import('./keystone.js');
    const cache = new TokenCache();
    const a = cache.key({ keystoneUrl: 'k', identity: toNovaIdentity({ username: 'u', password: 'right' }, undefined), projectId: 'p' });
    const b = cache.key({ keystoneUrl: 'k', identity: toNovaIdentity({ username: 'u', password: 'wrong' }, undefined), projectId: 'p' });
    expect(a).not.toBe(b);
    expect(`${a}${b}`).not.toMatch(/right|wrong/);
  });
});
