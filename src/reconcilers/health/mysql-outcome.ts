/**
 * Pure: what a failed MySQL/MariaDB connection attempt means for a person, from the client error's code.
 * Never echoes the password (server messages only say "using password: YES").
 */
export interface MysqlFailure {
  code?: string;
  errno?: number;
  message?: string;
}

export function describeMysqlFailure(err: MysqlFailure, db: { name: string; user: string }, timeoutMs: number): string {
  switch (err.code) {
    case 'ER_BAD_DB_ERROR':
      return `database "${db.name}" does not exist`;
    case 'ER_ACCESS_DENIED_ERROR':
      return `access denied for user "${db.user}" (wrong user or password)`;
    case 'ER_DBACCESS_DENIED_ERROR':
      return `user "${db.user}" may not use database "${db.name}"`;
    case 'ER_HOST_NOT_PRIVILEGED':
      return `the server does not accept user "${db.user}" from this host`;
    case 'ECONNREFUSED':
      return 'connection refused (server not started yet?)';
    case 'ETIMEDOUT':
      return `no answer within ${timeoutMs} ms (server still starting or port filtered)`;
    case 'ECONNRESET':
    case 'PROTOCOL_CONNECTION_LOST':
      return 'the server closed the connection (still starting?)';
    case 'ER_SERVER_SHUTDOWN':
    case 'ER_CON_COUNT_ERROR':
      return `the server is not accepting clients yet (${err.code})`;
    default: {
      const first = (err.message ?? 'unknown error').split('\n')[0];
      return err.code ? `${err.code}: ${first}` : first;
    }
  }
}
