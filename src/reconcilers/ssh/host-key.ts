import { createHash } from 'node:crypto';
import type { SshHostKeyPolicy } from './types.js';

/** OpenSSH's fingerprint format ("SHA256:" + unpadded base64 of the key blob's SHA-256), as `ssh-keygen -l` prints. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict = { ok: true; fingerprint: string; firstSeen: boolean } | { ok: false; fingerprint: string };

/** Trust on first use: no expected key → accept (the caller records it); a known key must match exactly. */
export function judgeHostKey(keyBlob: Buffer, policy: SshHostKeyPolicy | undefined): HostKeyVerdict {
  const fingerprint = sha256Fingerprint(keyBlob);
  if (!policy?.expected) return { ok: true, fingerprint, firstSeen: true };
  const expected = policy.expected.startsWith('SHA256:') ? policy.expected : `SHA256:${policy.expected}`;
  return expected.replace(/=+$/, '') === fingerprint ? { ok: true, fingerprint, firstSeen: false } : { ok: false, fingerprint };
}
