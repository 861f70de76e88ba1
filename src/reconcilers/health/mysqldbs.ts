// loaded on first use: mysql2 is ~90 modules, and every CLI start would pay for them
import type { Connection } from 'mysql2/promise';
import type { Probe } from '../driver.js';
import { describeMysqlFailure, type MysqlFailure } from './mysql-outcome.js';
import { noAddressProbe, targetAddress, type HealthCheck } from './types.js';

export interface MysqlDbCheck {
  name: string;
  user: string;
  pass: string | number;
  /** reef: the server's port; default 3306 (Occopus had no choice). */
  port?: number;
}

export interface MysqlDbsCheckConfig {
  mysqldbs: MysqlDbCheck[];
  /** per database, connect and query together; default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Occopus's `mysqldbs` check (it used MySQLdb.connect): for each entry, log in to the instance's address as
 * `user` with `pass`, select database `name` and run `SELECT 1`, with mysql2. ok only when all of that works;
 * otherwise the probe says why (database missing, access denied, server not up yet) without the password.
 */
export const mysqldbsCheck: HealthCheck<MysqlDbsCheckConfig> = {
  kind: 'mysqldbs',
  async check({ target, config }, ctx) {
    const host = targetAddress(target);
    const timeoutMs = config.timeoutMs ?? 5000;
    return Promise.all(
      config.mysqldbs.map(async (db): Promise<Probe> => {
        const name = `mysqldb ${db.name}`;
        if (!host) return noAddressProbe(name);
        const port = db.port ?? 3306;
        const where = `mysqldb ${db.name} as ${db.user} on ${host}:${port}`;
        try {
          await probeDatabase({ host, port, db, timeoutMs, signal: ctx.signal });
          return { name, ok: true, detail: `${where}: ready` };
        } catch (e) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          return { name, ok: false, detail: `${where}: ${describeMysqlFailure(e as MysqlFailure, db, timeoutMs)}` };
        }
      }),
    );
  },
};

async function probeDatabase(o: { host: string; port: number; db: MysqlDbCheck; timeoutMs: number; signal: AbortSignal }): Promise<void> {
  let conn: Connection | undefined;
  const timer = setTimeout(() => conn?.destroy(), o.timeoutMs);
  const onAbort = () => conn?.destroy();
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const { createConnection } = await import('mysql2/promise');
    conn = await createConnection({
      host: o.host,
      port: o.port,
      user: o.db.user,
      password: String(o.db.pass),
      database: o.db.name,
      connectTimeout: o.timeoutMs,
    });
    // the query is bounded by the timer above (destroy rejects it)
    await conn.query('SELECT 1');
  } finally {
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
    conn?.destroy();
  }
}
