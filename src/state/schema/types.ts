/**
 * The schema history as data: what each version changes, in logical terms. One description for both backends;
 * each dialect turns it into SQL (render.ts with sqlite-dialect.ts or postgres-dialect.ts). Never edit or reorder a
 * version that has shipped: add a new one.
 */

/**
 * Logical column types. `int` fits 32 bits (counts, positions, generations); `bigint` may not (lease epochs);
 * `time` is milliseconds since the epoch (bigint); `json` is JSON kept as text (the row mappers parse it);
 * `serial` is a growing bigint key given by the database (it must be the table's only primary-key column).
 */
export type ColumnType = 'text' | 'int' | 'bigint' | 'time' | 'json' | 'serial';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /** NOT NULL unless set (a single-column primary key is written PRIMARY KEY only, as it always was) */
  readonly nullable?: true;
  readonly default?: number | string;
  /** CHECK (name IN (…)) */
  readonly oneOf?: readonly string[];
  readonly references?: { readonly table: string; readonly column: string; readonly onDelete: 'cascade' };
}

export interface Table {
  readonly name: string;
  readonly columns: readonly Column[];
  /** one column: inline PRIMARY KEY on it; several: a table constraint after the columns */
  readonly primaryKey: readonly string[];
}

export type Step =
  | { readonly kind: 'createTable'; readonly table: Table }
  | { readonly kind: 'createIndex'; readonly name: string; readonly table: string; readonly columns: readonly string[] }
  | { readonly kind: 'addColumn'; readonly table: string; readonly column: Column }
  /** a named counter whose values never repeat (nextval-like); starts before 1 */
  | { readonly kind: 'createCounter'; readonly name: string }
  /**
   * NOT SCHEMA: a data move or backfill that has no logical form, written once per dialect. Keep these rare;
   * `why` says what it does.
   */
  | { readonly kind: 'dialectSql'; readonly why: string; readonly sqlite: string; readonly postgres: string };

export interface SchemaVersion {
  readonly version: number;
  readonly name: string;
  readonly steps: readonly Step[];
}

/** One version rendered for one backend: what the migration runners (sqlite/migrate.ts, postgres/open.ts) apply. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
