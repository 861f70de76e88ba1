/**
 * The simulated cloud's own SQLite file: the "cloud side" of the dummy driver, deliberately separate from
 * reef's store so that its resources outlive a reef process (and a test can kill reef between the cloud's
 * create and reef's store write). One connection per file per owner; every method is synchronous and one
 * statement or one transaction, so two connections (two processes) never interleave inside a change.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FatalError } from '../errors.js';

const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** addresses in one /16: A.B.x.y with x in 0..255 and y in 1..254 */
const PER_16 = 256 * 254;
/** A.b.x.y for every b: the prefix's /16 first, then the next ones, wrapping within A.0.0.0/8 */
const ADDRESS_CAPACITY = 256 * PER_16;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS instances (
  id              TEXT PRIMARY KEY,
  instance_id     TEXT NOT NULL UNIQUE,
  infra           TEXT NOT NULL,
  node            TEXT NOT NULL,
  ip              TEXT NOT NULL UNIQUE,
  created_at      INTEGER NOT NULL,
  boot_delay      INTEGER NOT NULL,
  die_after       INTEGER,
  unhealthy_after INTEGER,
  unhealthy       INTEGER NOT NULL DEFAULT 0,
  phase           TEXT,
  reason          TEXT,
  flavor          TEXT,
  image           TEXT,
  spec_hash       TEXT
);
CREATE INDEX IF NOT EXISTS instances_infra ON instances(infra);
CREATE TABLE IF NOT EXISTS attempts (key TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', 0);
`;

/** One row of the cloud, as SQLite returns it. `phase` set means an out-of-band override (killed, stopped). */
export interface CloudRow {
  id: string;
  instance_id: string;
  infra: string;
  node: string;
  ip: string;
  created_at: number;
  boot_delay: number;
  die_after: number | null;
  unhealthy_after: number | null;
  unhealthy: 0 | 1;
  phase: 'failed' | 'stopped' | null;
  reason: string | null;
  flavor: string | null;
  image: string | null;
  /** reef.spec-hash: the node definition's fingerprint at create */
  spec_hash: string | null;
}

export type NewRow = Omit<CloudRow, 'id' | 'ip' | 'phase' | 'reason' | 'instance_id' | 'spec_hash'> & {
  spec_hash?: string | null;
  ipPrefix: string;
  /** reef's instance id, or a function of the new cloud id (orphans get one made up). */
  instance_id: string | ((cloudId: string) => string);
};

export function cloudFilePath(stateDir: string, endpoint: string): string {
  if (!ENDPOINT_NAME.test(endpoint)) {
    throw new FatalError('REEF_DUMMY_BAD_ENDPOINT', `dummy endpoint "${endpoint}" is not a plain name (letters, digits, . _ -)`);
  }
  return join(stateDir, 'dummy-cloud', `${endpoint}.db`);
}

/**
 * The seq-th address of an endpoint whose ip_prefix is "A.B" (or "A", meaning "A.0"): A.B.0.1 … A.B.255.254,
 * then A.(B+1).0.1 …, wrapping within A.0.0.0/8, so an endpoint holds up to 256 × 65,024 instances. The first
 * 65,024 are where they always were; a seq past the whole /8 wraps, and insert() skips addresses in use.
 */
export function addressOf(prefix: string, seq: number): string {
  const [a, b = '0'] = prefix.split('.');
  const i = (seq - 1) % ADDRESS_CAPACITY;
  const second = (Number(b) + Math.floor(i / PER_16)) % 256;
  const j = i % PER_16;
  return `${a}.${second}.${Math.floor(j / 254)}.${(j % 254) + 1}`;
}

/** Opens (creating if needed) one endpoint's file and prepares every statement once. */
export class CloudDb {
  readonly db: Database.Database;
  readonly byId;
  readonly byInstance;
  readonly listAll;
  readonly listInfra;
  readonly countAll;
  readonly countInfra;
  readonly deleteById;
  readonly setPhase;
  readonly setUnhealthy;
  readonly deleteByEither;
  readonly dataVersion;
  private readonly insertRow;
  private readonly bumpSeq;
  private readonly ipInUse;
  private readonly bumpAttempt;

  constructor(readonly file: string) {
    mkdirSync(join(file, '..'), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    // OFF is safe against a killed process (what the crash tests do); only an OS crash could lose commits,
    // and this is a simulated cloud. NORMAL's checkpoint fsyncs cost half the create time.
    this.db.pragma('synchronous = OFF');
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      // files made before the spec-hash label: add its column (once; new files have it)
      const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(instances)').all().map((c) => c.name);
      if (!columns.includes('spec_hash')) this.db.exec('ALTER TABLE instances ADD COLUMN spec_hash TEXT');
    }).immediate();
    const p = <T>(sql: string) => this.db.prepare<unknown[], T>(sql);
    this.dataVersion = this.db.prepare<[], number>('PRAGMA data_version').pluck();
    this.byId = p<CloudRow>('SELECT * FROM instances WHERE id = ?');
    this.byInstance = p<CloudRow>('SELECT * FROM instances WHERE instance_id = ?');
    this.listAll = p<CloudRow>('SELECT * FROM instances');
    this.listInfra = p<CloudRow>('SELECT * FROM instances WHERE infra = ?');
    this.countAll = p<{ n: number }>('SELECT count(*) AS n FROM instances');
    this.countInfra = p<{ n: number }>('SELECT count(*) AS n FROM instances WHERE infra = ?');
    this.deleteById = p<never>('DELETE FROM instances WHERE id = ?');
    this.deleteByEither = p<never>('DELETE FROM instances WHERE id = ? OR instance_id = ?');
    this.setPhase = p<never>('UPDATE instances SET phase = ?, reason = ? WHERE id = ? OR instance_id = ?');
    this.setUnhealthy = p<never>('UPDATE instances SET unhealthy = ? WHERE id = ? OR instance_id = ?');
    this.insertRow = p<never>(
      `INSERT INTO instances (id, instance_id, infra, node, ip, created_at, boot_delay, die_after, unhealthy_after,
         unhealthy, flavor, image, spec_hash)
       VALUES (@id, @instance_id, @infra, @node, @ip, @created_at, @boot_delay, @die_after, @unhealthy_after,
         @unhealthy, @flavor, @image, @spec_hash)`,
    );
    this.bumpSeq = p<{ value: number }>(`UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value`);
    this.ipInUse = p<{ one: number }>('SELECT 1 AS one FROM instances WHERE ip = ?');
    this.bumpAttempt = p<{ count: number }>(
      `INSERT INTO attempts (key, count) VALUES (?, 1)
       ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count`,
    );
  }

  /** Counts one create attempt under `key` and returns its number (1-based). Call inside a transaction. */
  nextAttempt(key: string): number {
    return this.bumpAttempt.get(key)!.count;
  }

  /** Inserts a row with a fresh id and the next free address. Call inside a transaction. */
  insert(row: NewRow): CloudRow {
    // bounded: at most one pass over the address space, and only when it is nearly full
    for (let tries = 0; tries < ADDRESS_CAPACITY; tries++) {
      const seq = this.bumpSeq.get()!.value;
      const ip = addressOf(row.ipPrefix, seq);
      if (this.ipInUse.get(ip)) continue;
      const id = `dummy-${seq}`;
      const instanceId = typeof row.instance_id === 'function' ? row.instance_id(id) : row.instance_id;
      // same keys in the same order as a row read back from SQLite: one object shape for every cached row
      const full: CloudRow = {
        id,
        instance_id: instanceId,
        infra: row.infra,
        node: row.node,
        ip,
        created_at: row.created_at,
        boot_delay: row.boot_delay,
        die_after: row.die_after,
        unhealthy_after: row.unhealthy_after,
        unhealthy: row.unhealthy,
        phase: null,
        reason: null,
        flavor: row.flavor,
        image: row.image,
        spec_hash: row.spec_hash ?? null,
      };
      this.insertRow.run(full);
      return full;
    }
    throw new FatalError('REEF_DUMMY_NO_ADDRESS', `every address under ${row.ipPrefix.split('.')[0]}.0.0.0/8 is in use`);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
