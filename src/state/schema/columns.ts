/**
 * A table's columns at the newest version, replayed from the history: what code that writes rows needs to know
 * of the schema (names and logical types) without a third copy of it.
 */
import { SCHEMA_HISTORY } from './history.js';
import type { Column, SchemaVersion } from './types.js';

export function columnsOf(table: string, history: readonly SchemaVersion[] = SCHEMA_HISTORY): readonly Column[] {
  let columns: Column[] | undefined;
  for (const v of history) {
    for (const step of v.steps) {
      if (step.kind === 'createTable' && step.table.name === table) columns = [...step.table.columns];
      if (step.kind === 'addColumn' && step.table === table) columns?.push(step.column);
    }
  }
  if (!columns) throw new Error(`the schema history has no table '${table}'`);
  return columns;
}
