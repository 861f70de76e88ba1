/**
 * Opens (and creates) the SQLite file with the pragmas reef relies on, then migrates it. Every failure here is a
 * FatalError naming the path: the user has to fix the file, retrying will not help.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
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

// lets a read-only open fall back on `file:…?immutable=1` (below); reef's own paths are absolute, never `file:…`
process.env.SQLITE_USE_URI ??= '1';

/** True when the store exists but this process cannot write the file or its folder (a read-only mount, chattr, permissions). */
export function isReadOnlyStore(path: string): boolean {
  const file = resolve(path);
  if (!existsSync(file)) return false;
  for (const p of [file, dirname(file)]) {
    try {
      accessSync(p, constants.W_OK);
    } catch {
      return true;
    }
  }
  return false;
}

export function openDatabase(path: string, opts: OpenOptions = {}): Database.Database {
  const file = resolve(path);
  let db: Database.Database | undefined;
  try {
    if (!opts.readonly) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    db = opts.readonly ? openReadOnly(file) : new Database(file, { timeout: BUSY_TIMEOUT_MS });
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

/**
 * A read-only connection. A WAL store whose -shm file is gone (the last writer closed it) in a folder this process
 * cannot write cannot be opened the usual way (SQLITE_CANTOPEN): no writer is running then, so it is opened as
 * immutable, which needs no -shm.
 */
function openReadOnly(file: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    db.pragma('user_version'); // the WAL index is opened at the first read, not by the constructor
    return db;
  } catch (e) {
    db?.close();
    if (sqliteCode(e) !== 'SQLITE_CANTOPEN' || !existsSync(file) || process.env.SQLITE_USE_URI !== '1') throw e;
    return new Database(`file:${encodeURI(file).replace(/[?#]/g, encodeURIComponent)}?immutable=1`, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  }
}

function assertWritable(file: string, path: string, what: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw new FatalError(
      'REEF_STATE_OPEN',
      `cannot open state store ${file}: ${what} is not writable (${(e as Error).message}); reef status, logs and diff can still read it, apply/scale/destroy/import need it writable`,
      { cause: e },
    );
  }
}
