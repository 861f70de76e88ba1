/** `reef state migrate --from PATH --to postgres://…`: move an SQLite state to PostgreSQL, verifying row counts. */
import { resolve } from 'node:path';
import { copySqliteToPostgres } from '../../state/copy-to-postgres.js';
import { isPostgresUrl, redactUrl } from '../../state/postgres/index.js';
import { EXIT, UsageError } from '../exit.js';

export async function stateMigrateCommand(opts: { from: string; to: string }, json: boolean): Promise<number> {
  if (isPostgresUrl(opts.from)) throw new UsageError('--from must be an SQLite state file');
  if (!isPostgresUrl(opts.to)) throw new UsageError('--to must be a postgres:// URL');
  const from = resolve(opts.from);
  const report = await copySqliteToPostgres(from, opts.to);
  if (json) process.stdout.write(`${JSON.stringify({ from, to: redactUrl(opts.to), ...report })}\n`);
  else {
    process.stdout.write(`copied ${from} → ${redactUrl(opts.to)}\n`);
    for (const t of report.tables) process.stdout.write(`  ${t.table.padEnd(12)} ${String(t.source).padStart(8)} rows, ${t.target} in PostgreSQL ✓\n`);
  }
  return EXIT.ok;
}
