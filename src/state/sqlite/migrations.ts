/**
 * The SQLite schema: the versions of schema/history.ts in SQLite's dialect. The applied version lives in SQLite's
 * `user_version` pragma (see migrate.ts).
 */
import { SCHEMA_HISTORY } from '../schema/history.js';
import { renderMigrations } from '../schema/render.js';
import { SQLITE_DIALECT } from '../schema/sqlite-dialect.js';
import type { Migration } from '../schema/types.js';

export type { Migration } from '../schema/types.js';

export const MIGRATIONS: readonly Migration[] = renderMigrations(SCHEMA_HISTORY, SQLITE_DIALECT);

/** The schema version this build of reef writes. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
