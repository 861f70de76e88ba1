/**
 * How to reach one machine over SSH. Secrets (privateKey, password) are never logged; pass the object to
 * sshExec/sshUpload only.
 */
export interface SshHostKeyPolicy {
  /** the SHA256 fingerprint recorded earlier ("SHA256:base64"); a different key is refused. */
  expected?: string;
  /** trust on first use: called with the fingerprint when `expected` is absent, so the caller can record it. */
  onFirstSeen?(fingerprint: string): void;
}

export interface SshTarget {
  host: string;
  /** default 22 */
  port?: number;
  user: string;
  /** PEM/OpenSSH private key text. */
  privateKey?: string;
  /** read when privateKey is absent. */
  privateKeyPath?: string;
  password?: string;
  /** a bastion to tunnel through (ssh -J). */
  jump?: SshTarget;
  hostKey?: SshHostKeyPolicy;
  /** connect + handshake bound; default 10000 ms. */
  readyTimeoutMs?: number;
}
