/**
 * Opens (and creates) the SQLite file with the pragmas reef relies on, then migrates it. Every failure here is a
 * FatalError naming the path: the user has to fix the file, retrying will not help.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { FatalError, isReefError } from '../../errors/index.js';
import { sqliteCode } from './errors.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export interface OpenOptions {
  /** open without writing anything (no create, no migration); every write fails with REEF_STATE_WRITE. */
  readonly?: boolean;
  /** for tests of the migration machinery only. */
  migrations?: readonly Migration[];
}

export const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(path: string, opts: OpenOptions = {}): Database.Database {
  const file = resolve(path);
  let db: Database.Database | undefined;
  try {
    if (!opts.readonly) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false, timeout: BUSY_TIMEOUT_MS });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // A read-only connection cannot switch the journal mode; it reads a WAL file the writers left as it is.
    if (!db.readonly) {
      // SQLite silently opens a write-protected file read-only; say so now rather than at the first write.
      assertWritable(file, file, 'the file');
      assertWritable(file, dirname(file), 'its folder');
      db.pragma('journal_mode = WAL');
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, opts.migrations ?? MIGRATIONS, file);
    return db;
  } catch (e) {
    db?.close();
    if (isReefError(e)) throw e;
    const code = sqliteCode(e) ?? (e as { code?: string } | null)?.code;
    const reason = e instanceof Error ? e.message : String(e);
    throw new FatalError(
      'REEF_STATE_OPEN',
      `cannot open state store ${file}: ${reason}${code ? ` [${code}]` : ''}`,
      { cause: e },
    );
  }
}

function assertWritable(file: string, path: string, what: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw new FatalError(
      'REEF_STATE_OPEN',
      `cannot open state store ${file}: ${what} is not writable (${(e as Error).message}); open it read-only to inspect it`,
      { cause: e },
    );
  }
}
