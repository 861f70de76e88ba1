/**
 * Occopus auth_data for nova → a Keystone v3 identity. Two forms, as Occopus accepts them:
 *   {username, password}                              password, scoped to the resource's project_id
 *   {type: application_credential, id, secret}        application credential (never scoped: Keystone refuses)
 * Messages name the missing key only; a value from the auth file is never echoed.
 */
import { createHash } from 'node:crypto';
import { FatalError } from '../errors.js';

export type NovaIdentity =
  | { kind: 'password'; username: string; password: string; userDomainName: string }
  | { kind: 'application_credential'; id: string; secret: string };

function text(authData: Record<string, unknown>, key: string): string {
  const v = authData[key];
  if (typeof v !== 'string' || v === '') {
    throw new FatalError('REEF_NOVA_BAD_CREDENTIALS', `nova auth_data needs a non-empty string "${key}"`);
  }
  return v;
}

export function toNovaIdentity(authData: Record<string, unknown> | undefined, userDomainName: string | null | undefined): NovaIdentity {
  if (!authData || Object.keys(authData).length === 0) {
    throw new FatalError('REEF_NOVA_BAD_CREDENTIALS', 'no auth_data for this nova resource: add a `type: nova` entry to the auth file');
  }
  const type = authData.type;
  if (type === 'application_credential') {
    return { kind: 'application_credential', id: text(authData, 'id'), secret: text(authData, 'secret') };
  }
  if (type !== undefined && type !== 'password') {
    throw new FatalError('REEF_NOVA_BAD_CREDENTIALS',
      `nova auth_data type must be "application_credential" or absent (username/password), got "${String(type)}"`);
  }
  return { kind: 'password', username: text(authData, 'username'), password: text(authData, 'password'),
    userDomainName: userDomainName || 'Default' };
}

/** A key naming who authenticates (never a secret), for caches and logs. */
export function identityKey(identity: NovaIdentity): string {
  return identity.kind === 'password'
    ? `user:${identity.userDomainName}/${identity.username}`
    : `appcred:${identity.id}`;
}

/** Cache key of an identity: who, plus a hash of the secret, so a changed or wrong password never reuses a token. */
export function identityCacheKey(identity: NovaIdentity): string {
  const secret = identity.kind === 'password' ? identity.password : identity.secret;
  return `${identityKey(identity)}#${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}
