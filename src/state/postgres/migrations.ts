/**
 * The PostgreSQL schema: the same versions as the SQLite store (schema/history.ts), in PostgreSQL's dialect.
 * The applied version lives in reef_schema (see open.ts).
 */
import { SCHEMA_HISTORY } from '../schema/history.js';
import { POSTGRES_DIALECT } from '../schema/postgres-dialect.js';
import { renderMigrations } from '../schema/render.js';
import type { Migration } from '../schema/types.js';

export const PG_MIGRATIONS: readonly Migration[] = renderMigrations(SCHEMA_HISTORY, POSTGRES_DIALECT);
