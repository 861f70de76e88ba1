import { describe, expect, it } from 'vitest';
import { judgeHostKey, sha256Fingerprint } from './host-key.js';

describe('host keys', () => {
  const blob = Buffer.from('a host key blob');
  const fp = sha256Fingerprint(blob);

  it('formats like ssh-keygen -l (no base64 padding)', () => {
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('trusts on first use, accepts the same key (with or without prefix), refuses another', () => {
    expect(judgeHostKey(blob, undefined)).toEqual({ ok: true, fingerprint: fp, firstSeen: true });
    expect(judgeHostKey(blob, { expected: fp })).toEqual({ ok: true, fingerprint: fp, firstSeen: false });
    expect(judgeHostKey(blob, { expected: fp.slice('SHA256:'.length) })).toMatchObject({ ok: true });
    expect(judgeHostKey(Buffer.from('another key'), { expected: fp })).toMatchObject({ ok: false });
  });
});
