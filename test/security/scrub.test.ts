/**
 * Review D20, by construction: every driver the registry hands out (here a plugin-like driver that quotes its
 * credentials and the request's tokens in whatever it returns) comes back masked and bounded, and the masking
 * rules cover the token/signature fields of the clouds reef talks to (EC2, OpenStack, HTTP auth).
 */
import { describe, expect, it } from 'vitest';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { FatalError } from '../../src/errors/index.js';
import type { Driver } from '../../src/reconcilers/driver.js';
import { CLOUD_TEXT_MAX, maskSecrets, scrubCloudText, secretValuesOf } from '../../src/util/scrub.js';
import { silentLogger } from '../../src/util/log.js';

const CREDS = { username: 'demo', password: 'pa55-w0rd-secstate', application_credential_secret: 'app-cred-secret-42xyz', token: 'gAAAAABtokenvalue123' };

function leakyDriver(): Driver {
  const quote = (creds: Record<string, unknown> | undefined) =>
    `X-Auth-Token: gAAAAAB-keystone-token-zzz\r\npassword is ${String(creds?.password)}\r\n\u001b[31mred${'x'.repeat(5000)}`;
  return {
    type: 'leaky',
    resourceSchema: {},
    endpointKey: () => 'leaky',
    async create(req) { throw new FatalError('REEF_LEAKY', `${quote(req.credentials)} ${String(req.credentials?.application_credential_secret)}`, { cause: new Error(`raw ${String(req.credentials?.token)}`) }); },
    async list(req) { return [{ exists: true, ref: { driver: 'leaky', endpoint: 'leaky', id: 'x' }, phase: 'failed', addresses: {}, labels: { infra: 'i', node: 'n', instance: 'x' }, reason: quote(req.credentials) }]; },
    async destroy(req) { throw new Error(`plain error ${String(req.credentials?.token)}`); },
  };
}

describe('D20: the driver boundary masks and bounds what a cloud says', () => {
  const registry = new DriverRegistry([{ type: 'leaky', resourceSchema: {}, load: async () => () => leakyDriver() }], { stateDir: '/nonexistent', log: silentLogger() });
  const ctx = { signal: new AbortController().signal, log: silentLogger(), clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} } } as never;
  const resource = { type: 'leaky' };

  it('errors of any driver: credentials masked, one line, at most 2 KiB, the cause too', async () => {
    const driver = await registry.get('leaky');
    const err = (await driver.create({ instanceId: 'x', labels: { infra: 'i', node: 'n', instance: 'x' }, resource, context: { kind: 'none' }, credentials: CREDS }, ctx).then(() => undefined, (e: unknown) => e)) as Error & { code: string; cause?: Error };
    expect(err.code).toBe('REEF_LEAKY');
    for (const secret of Object.values(CREDS).slice(1)) expect(`${err.message} ${err.stack} ${err.cause?.message}`).not.toContain(secret);
    expect(err.message).not.toContain('gAAAAAB-keystone-token-zzz');
    expect(err.message).not.toMatch(/[\r\n\u001b]/);
    expect(err.message.length).toBeLessThanOrEqual(CLOUD_TEXT_MAX);
    expect(err.message).toContain('X-Auth-Token: [redacted]');
    const plain = (await driver.destroy({ ref: { driver: 'leaky', endpoint: 'leaky', id: 'x' }, resource, credentials: CREDS }, ctx).then(() => undefined, (e: unknown) => e)) as Error;
    expect(plain.message).toBe('plain error [redacted]');
  });

  it('failure reasons in observations too', async () => {
    const driver = await registry.get('leaky');
    const [o] = await driver.list({ resource, credentials: CREDS }, ctx);
    const reason = o!.exists ? o!.reason ?? '' : '';
    expect(reason).not.toContain(CREDS.password);
    expect(reason.length).toBeLessThanOrEqual(CLOUD_TEXT_MAX);
  });

  it('masks token and signature fields of every shape reef meets', () => {
    const cases: Array<[string, string]> = [
      ['X-Subject-Token: gAAAAABsubject', 'X-Subject-Token: [redacted]'],
      ['{"X-Auth-Token": "gAAAAABjson", "ok": 1}', '{"X-Auth-Token": "[redacted]", "ok": 1}'],
      ['GET /?X-Amz-Signature=abcdef0123&X-Amz-Credential=AKIA1%2F2&x=1', 'GET /?X-Amz-Signature=[redacted]&X-Amz-Credential=[redacted]&x=1'],
      ['Action=X&AWSAccessKeyId=AKIAOLD&Signature=c2lnbmF0dXJl&SecurityToken=tok', 'Action=X&AWSAccessKeyId=[redacted]&Signature=[redacted]&SecurityToken=[redacted]'],
      ['Authorization: Bearer abcdefghijklmnop', 'Authorization: [redacted]'],
      ['sent bearer abcdefghijklmnop', 'sent bearer [redacted]'],
      ['<SessionToken>FQoG</SessionToken>', '<SessionToken>[redacted]</SessionToken>'],
      ['key: -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- done', 'key: [redacted] done'],
    ];
    for (const [text, masked] of cases) expect(maskSecrets(text)).toBe(masked);
  });

  it('takes every auth_data value but names and places as a secret', () => {
    expect(secretValuesOf({ accesskey: 'AKIA1234', secretkey: 'sk/123', session_token: 'tok1', region: 'eu-west-1', username: 'demo', nested: { private_key: 'line-one-of-a-key-xx\nline-two-of-a-key-yy' } }).sort())
      .toEqual(['AKIA1234', 'line-one-of-a-key-xx', 'line-one-of-a-key-xx\nline-two-of-a-key-yy', 'line-two-of-a-key-yy', 'sk/123', 'tok1'].sort());
    expect(scrubCloudText('a'.repeat(3000)).length).toBe(CLOUD_TEXT_MAX);
  });
});
