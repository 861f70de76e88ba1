/**
 * The credentials of one infra: its auth file (given at apply time, secrets in memory only), read when first
 * needed, again when the spec changed, and on every reconcile while it cannot be read, so an unreadable file is
 * that infra's problem, retried with its backoff, and a fixed file heals it without a restart.
 */
import type { AuthFile } from '../spec/types.js';
import { findCredentials } from './credentials.js';
import type { CredentialsFn } from './endpoints.js';

export class InfraAuth {
  private auth?: AuthFile;
  /** the auth path and generation the file was read for; undefined until a read succeeded */
  private readFor?: string;

  constructor(private readonly load?: (path: string) => AuthFile) {}

  /** Throws what the read threw (the file is missing, unreadable or invalid). */
  refresh(path: string | undefined, generation: number): void {
    if (!path || !this.load) {
      this.auth = undefined;
      return;
    }
    const key = `${path}|${generation}`;
    if (this.readFor === key) return;
    this.readFor = undefined;
    this.auth = this.load(path);
    this.readFor = key;
  }

  readonly credentials: CredentialsFn = (kind, section) => findCredentials(this.auth, kind, section);
}
