/**
 * Checks the schema history before any SQL is made from it, so that a mistake in a new version fails every test
 * with one line naming the version, the step and the field, instead of half-applying on some backend.
 */
import type { Column, SchemaVersion, Step } from './types.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function assertValidHistory(history: readonly SchemaVersion[]): void {
  const tables = new Map<string, Set<string>>();
  const names = new Set<string>(); // tables, indexes and counters share one namespace on both backends
  history.forEach((v, i) => {
    if (v.version !== i + 1) throw new Error(`schema history: version ${v.name} is numbered ${v.version}, expected ${i + 1}`);
    v.steps.forEach((step, j) => {
      const problem = checkStep(step, tables, names);
      if (problem) throw new Error(`schema history: version ${v.version} (${v.name}), step ${j + 1} (${step.kind}): ${problem}`);
    });
  });
}

function checkStep(step: Step, tables: Map<string, Set<string>>, names: Set<string>): string | undefined {
  const claim = (name: string) => {
    if (!IDENTIFIER.test(name)) return `name ${JSON.stringify(name)} is not lower_snake_case`;
    if (names.has(name)) return `name ${name} is already taken`;
    names.add(name);
    return undefined;
  };
  const columnsOf = (table: string) => tables.get(table);
  switch (step.kind) {
    case 'createTable': {
      const { name, columns, primaryKey } = step.table;
      const cols = new Set<string>();
      for (const c of columns) {
        if (cols.has(c.name)) return `table ${name}: column ${c.name} appears twice`;
        cols.add(c.name);
        const bad = checkColumn(c, tables);
        if (bad) return `table ${name}: ${bad}`;
        if (c.type === 'serial' && (primaryKey.length !== 1 || primaryKey[0] !== c.name)) return `table ${name}: serial column ${c.name} must be the whole primary key`;
      }
      if (columns.length === 0) return `table ${name} has no columns`;
      if (primaryKey.length === 0) return `table ${name} has no primary key`;
      const missing = primaryKey.find((k) => !cols.has(k));
      if (missing) return `table ${name}: primary key column ${missing} is not a column`;
      const taken = claim(name);
      if (taken) return taken;
      tables.set(name, cols);
      return undefined;
    }
    case 'createIndex': {
      const cols = columnsOf(step.table);
      if (!cols) return `index ${step.name}: no table ${step.table}`;
      if (step.columns.length === 0) return `index ${step.name} has no columns`;
      const missing = step.columns.find((c) => !cols.has(c));
      if (missing) return `index ${step.name}: column ${missing} is not in table ${step.table}`;
      return claim(step.name);
    }
    case 'addColumn': {
      const cols = columnsOf(step.table);
      const c = step.column;
      if (!cols) return `column ${c.name}: no table ${step.table}`;
      if (cols.has(c.name)) return `table ${step.table} already has column ${c.name}`;
      if (c.type === 'serial') return `column ${c.name}: a serial column cannot be added to an existing table`;
      // SQLite adds a column to existing rows only with a value for them, and a foreign key only as NULL
      if (!c.nullable && c.default === undefined) return `column ${c.name}: NOT NULL needs a default to be added`;
      if (c.references && (!c.nullable || c.default !== undefined)) return `column ${c.name}: an added foreign key must be nullable without default`;
      const bad = checkColumn(c, tables);
      if (bad) return bad;
      cols.add(c.name);
      return undefined;
    }
    case 'createCounter':
      return claim(step.name);
    case 'dialectSql':
      if (!step.why.trim()) return 'a data step says why it exists';
      if (!step.sqlite.trim() || !step.postgres.trim()) return 'a data step has SQL for both sqlite and postgres';
      return undefined;
  }
}

function checkColumn(c: Column, tables: Map<string, Set<string>>): string | undefined {
  if (!IDENTIFIER.test(c.name)) return `column name ${JSON.stringify(c.name)} is not lower_snake_case`;
  if (c.default !== undefined) {
    const numeric = c.type === 'int' || c.type === 'bigint' || c.type === 'time';
    if (numeric !== (typeof c.default === 'number')) return `column ${c.name}: default ${JSON.stringify(c.default)} does not fit type ${c.type}`;
    if (typeof c.default === 'number' && !Number.isInteger(c.default)) return `column ${c.name}: default ${c.default} is not an integer`;
  }
  if (c.oneOf && (c.type !== 'text' || c.oneOf.length === 0)) return `column ${c.name}: oneOf needs a text column and at least one value`;
  if (c.references) {
    const target = tables.get(c.references.table);
    if (!target) return `column ${c.name} references table ${c.references.table}, which does not exist`;
    if (!target.has(c.references.column)) return `column ${c.name} references ${c.references.table}.${c.references.column}, which does not exist`;
  }
  return undefined;
}
