/**
 * Turns the schema history into one backend's migrations. Pure: the same history and dialect always give the
 * same SQL. What differs between backends is only in the Dialect (types, the serial key, counters).
 */
import type { Column, ColumnType, Migration, SchemaVersion, Step } from './types.js';
import { assertValidHistory } from './validate.js';

export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** the SQL type of every logical type but serial */
  readonly types: Readonly<Record<Exclude<ColumnType, 'serial'>, string>>;
  /** what follows a serial column's name: its type and PRIMARY KEY */
  readonly serialKey: string;
  /** the statements that create a counter (see Step createCounter) */
  counter(name: string): string[];
}

export function renderMigrations(history: readonly SchemaVersion[], dialect: Dialect): Migration[] {
  assertValidHistory(history);
  return history.map((v) => ({
    version: v.version,
    name: v.name,
    sql: v.steps.flatMap((s) => renderStep(s, dialect)).map((stmt) => `${stmt};\n`).join(''),
  }));
}

function renderStep(step: Step, d: Dialect): string[] {
  switch (step.kind) {
    case 'createTable': {
      const { name, columns, primaryKey } = step.table;
      const inlineKey = primaryKey.length === 1 ? primaryKey[0] : undefined;
      const lines = columns.map((c) => columnSql(c, d, c.name === inlineKey));
      if (!inlineKey) lines.push(`PRIMARY KEY (${primaryKey.join(', ')})`);
      return [`CREATE TABLE ${name} (\n  ${lines.join(',\n  ')}\n)`];
    }
    case 'createIndex':
      return [`CREATE INDEX ${step.name} ON ${step.table} (${step.columns.join(', ')})`];
    case 'addColumn':
      return [`ALTER TABLE ${step.table} ADD COLUMN ${columnSql(step.column, d, false)}`];
    case 'createCounter':
      return d.counter(step.name);
    case 'dialectSql':
      return [`-- data step (not schema): ${step.why.replace(/\n/g, ' ')}\n${step[d.name].trim().replace(/;$/, '')}`];
  }
}

// The order of the clauses is the one the hand-written SQL had: SQLite keeps a table's CREATE text as written.
function columnSql(c: Column, d: Dialect, inlineKey: boolean): string {
  if (c.type === 'serial') return `${c.name} ${d.serialKey}`;
  const parts = [c.name, d.types[c.type]];
  if (inlineKey) parts.push('PRIMARY KEY');
  else if (!c.nullable) parts.push('NOT NULL');
  if (c.default !== undefined) parts.push(`DEFAULT ${literal(c.default)}`);
  if (c.oneOf) parts.push(`CHECK (${c.name} IN (${c.oneOf.map(literal).join(', ')}))`);
  if (c.references) parts.push(`REFERENCES ${c.references.table}(${c.references.column}) ON DELETE CASCADE`);
  return parts.join(' ');
}

function literal(v: number | string): string {
  return typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
}
