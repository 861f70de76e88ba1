import type { HealthCheck } from './types.js';

export interface MysqlDbCheck {
  name: string;
  user: string;
  pass: string;
}

/**
 * Occopus connects with MySQLdb. reef ships no MySQL client library yet, so every configured database is
 * reported as a failing probe with a clear reason instead of being silently skipped (a node asking for the
 * check would otherwise look healthy without it). Use an `ssh` check running `mysql -e 'select 1'` meanwhile.
 */
export const mysqldbsCheck: HealthCheck<{ mysqldbs: MysqlDbCheck[] }> = {
  kind: 'mysqldbs',
  async check({ config }) {
    return config.mysqldbs.map((db) => ({
      name: `mysqldb ${db.name}`,
      ok: false,
      detail: `mysqldb ${db.name}: mysqldbs checks are not supported yet`,
    }));
  },
};
