/**
 * What the scale-out bench reads from the shared store while the replicas work: a few counting queries, not
 * the Store interface (listing 100,000 instances every 100 ms would be the bench's load, not reef's).
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export interface LeaseRow { infra: string; holder: string; expiresAt: number }

export interface StoreWatch {
  readyInstances(): Promise<number>;
  leases(): Promise<LeaseRow[]>;
  /** distinct (infra, epoch) pairs that wrote, minus the infras: how often an infra changed hands */
  leaseMoves(): Promise<number>;
  liveReplicas(): Promise<number>;
  close(): Promise<void>;
}

const READY = "SELECT count(*) AS n FROM instances WHERE state = 'ready' AND destroy_reason IS NULL";
const LEASES = 'SELECT infra_id, holder, expires_at FROM leases';
const MOVES = 'SELECT (SELECT count(DISTINCT infra_id || \':\' || epoch) FROM lease_audit) - (SELECT count(DISTINCT infra_id) FROM lease_audit) AS n';

const LIVE = () => `SELECT count(*) AS n FROM replicas WHERE expires_at > ${Math.floor(Date.now())}`;

type Row = { infra_id: string; holder: string; expires_at: number | string };
const lease = (r: Row): LeaseRow => ({ infra: r.infra_id, holder: r.holder, expiresAt: Number(r.expires_at) });

export async function watchStore(state: string): Promise<StoreWatch> {
  if (/^postgres(ql)?:\/\//.test(state)) {
    const pool = new pg.Pool({ connectionString: state, max: 2 });
    const one = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0].n);
    return {
      readyInstances: () => one(READY),
      leases: async () => (await pool.query<Row>(LEASES)).rows.map(lease),
      leaseMoves: () => one(MOVES),
      liveReplicas: () => one(LIVE()),
      close: () => pool.end(),
    };
  }
  const db = new Database(state, { readonly: true, timeout: 10_000 });
  return {
    readyInstances: async () => (db.prepare(READY).get() as { n: number }).n,
    leases: async () => (db.prepare(LEASES).all() as Row[]).map(lease),
    leaseMoves: async () => (db.prepare(MOVES).get() as { n: number }).n,
    liveReplicas: async () => (db.prepare(LIVE()).get() as { n: number }).n,
    close: async () => {
      db.close();
    },
  };
}
