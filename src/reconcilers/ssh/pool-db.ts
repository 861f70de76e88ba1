/**
 * Host claims of the ssh driver, in `<stateDir>/ssh-pool.db`. A claim is (pool, host) → instance. Claiming is
 * one IMMEDIATE transaction, so two reef processes (or two concurrent creates) never get the same host, and a
 * retried create for the same instance gets its existing claim back. Host keys seen on first use are kept per
 * host:port across claims (a reinstalled machine must be re-trusted on purpose: forgetHostKey).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FatalError } from '../errors.js';
import type { ReefLabels } from '../driver.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS claims (
  pool        TEXT NOT NULL,
  host        TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  infra       TEXT NOT NULL,
  node        TEXT NOT NULL,
  claimed_at  INTEGER NOT NULL,
  spec_hash   TEXT,
  PRIMARY KEY (pool, host)
);
CREATE UNIQUE INDEX IF NOT EXISTS claims_instance ON claims(pool, instance_id);
CREATE TABLE IF NOT EXISTS host_keys (host TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, seen_at INTEGER NOT NULL);
`;

export interface ClaimRow {
  pool: string;
  host: string;
  instance_id: string;
  infra: string;
  node: string;
  claimed_at: number;
  /** reef.spec-hash at claim time */
  spec_hash?: string | null;
}

export function poolFilePath(stateDir: string): string {
  return join(stateDir, 'ssh-pool.db');
}

export class SshPoolDb {
  private readonly db: Database.Database;
  private readonly q;

  constructor(file: string) {
    mkdirSync(join(file, '..'), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // pool files made before the spec-hash label: add its column
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(claims)').all().map((c) => c.name);
    if (!columns.includes('spec_hash')) this.db.exec('ALTER TABLE claims ADD COLUMN spec_hash TEXT');
    this.q = {
      byInstance: this.db.prepare<[string, string], ClaimRow>('SELECT * FROM claims WHERE pool = ? AND instance_id = ?'),
      byHost: this.db.prepare<[string, string], ClaimRow>('SELECT * FROM claims WHERE pool = ? AND host = ?'),
      claimedHosts: this.db.prepare<[string], { host: string; instance_id: string }>('SELECT host, instance_id FROM claims WHERE pool = ?'),
      insert: this.db.prepare('INSERT INTO claims (pool, host, instance_id, infra, node, claimed_at, spec_hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      list: this.db.prepare<[string], ClaimRow>('SELECT * FROM claims WHERE pool = ? ORDER BY claimed_at, host'),
      listInfra: this.db.prepare<[string, string], ClaimRow>('SELECT * FROM claims WHERE pool = ? AND infra = ? ORDER BY claimed_at, host'),
      release: this.db.prepare('DELETE FROM claims WHERE pool = ? AND host = ? AND instance_id = ?'),
      hostKey: this.db.prepare<[string], { fingerprint: string }>('SELECT fingerprint FROM host_keys WHERE host = ?'),
      recordKey: this.db.prepare('INSERT OR IGNORE INTO host_keys (host, fingerprint, seen_at) VALUES (?, ?, ?)'),
      forgetKey: this.db.prepare('DELETE FROM host_keys WHERE host = ?'),
    };
  }

  /** The instance's existing claim, else the first free host in `hostIds` order. Throws REEF_SSH_POOL_EXHAUSTED. */
  claim(pool: string, hostIds: string[], labels: ReefLabels, now: number): ClaimRow {
    const tx = this.db.transaction((): ClaimRow => {
      const existing = this.q.byInstance.get(pool, labels.instance);
      if (existing) return existing;
      const taken = new Map(this.q.claimedHosts.all(pool).map((r) => [r.host, r.instance_id]));
      const free = hostIds.find((h) => !taken.has(h));
      if (!free) {
        const holders = hostIds.map((h) => `${h} (${taken.get(h)})`).join(', ');
        throw new FatalError(
          'REEF_SSH_POOL_EXHAUSTED',
          `ssh pool "${pool}" has no free host for instance ${labels.instance}: all ${hostIds.length} are claimed: ${holders}. ` +
            `Add hosts to the resource's "hosts" or lower the node's scaling max.`,
        );
      }
      this.q.insert.run(pool, free, labels.instance, labels.infra, labels.node, now, labels.specHash ?? null);
      return { pool, host: free, instance_id: labels.instance, infra: labels.infra, node: labels.node, claimed_at: now, spec_hash: labels.specHash ?? null };
    });
    return tx.immediate();
  }

  byHost(pool: string, hostId: string): ClaimRow | undefined {
    return this.q.byHost.get(pool, hostId);
  }

  list(pool: string, infra?: string): ClaimRow[] {
    return infra === undefined ? this.q.list.all(pool) : this.q.listInfra.all(pool, infra);
  }

  /** Frees the host only if this instance still holds it. Returns whether a claim was removed. */
  release(pool: string, hostId: string, instanceId: string): boolean {
    return this.q.release.run(pool, hostId, instanceId).changes > 0;
  }

  hostKey(hostId: string): string | undefined {
    return this.q.hostKey.get(hostId)?.fingerprint;
  }

  recordHostKey(hostId: string, fingerprint: string, now: number): void {
    this.q.recordKey.run(hostId, fingerprint, now);
  }

  forgetHostKey(hostId: string): void {
    this.q.forgetKey.run(hostId);
  }

  close(): void {
    this.db.close();
  }
}
