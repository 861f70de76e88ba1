/**
 * Instance patches for PostgreSQL. Patches with the same set of keys are written by one UPDATE … FROM
 * json_to_recordset() (a CTE of one statement, see one-statement.ts), so a write-behind flush of thousands of
 * instances is one statement, not thousands of round trips. One JSON.stringify of the rows costs far less than
 * node-postgres's array literals (each string element escaped in JavaScript), the replicas' bottleneck.
 */
import { FatalError } from '../../errors/index.js';
import type { InstancePatch } from '../store.js';
import type { OneStatement } from './one-statement.js';
import { columnsOf } from '../schema/columns.js';
import type { ColumnType } from '../schema/types.js';

/**
 * How a patch field reaches its column. Rows travel as one JSON parameter read by json_to_recordset(): a json
 * column's value is embedded as it is (no string in a string to escape twice) and stored as the text PostgreSQL kept
 * of it, which for the json type is exactly the input; `empty` is what an absent value is written as. Column types
 * come from the schema description (src/state/schema/).
 */
interface PatchColumn { column: string; type: string; empty?: unknown }

/** PostgreSQL's type for a logical column type, as json_to_recordset() reads it */
export const RECORD_TYPES: Record<ColumnType, string> = { text: 'text', int: 'int4', bigint: 'int8', time: 'int8', serial: 'int8', json: 'json' };
const INSTANCE_COLUMNS = new Map(columnsOf('instances').map((c) => [c.name, RECORD_TYPES[c.type]]));

const FIELDS: Record<string, [column: string, empty?: unknown]> = {
  implIndex: ['impl_index'], driver: ['driver'], endpoint: ['endpoint'], ref: ['ref_json'], state: ['state'],
  snapshot: ['snapshot_json'], machineVersion: ['machine_version'], addresses: ['addresses_json', {}], attempts: ['attempts'],
  lastError: ['last_error_json'], destroyReason: ['destroy_reason'], generation: ['generation'], updatedAt: ['updated_at'],
  readyAt: ['ready_at'],
};

export const PATCH_COLUMNS: Record<string, PatchColumn> = Object.fromEntries(Object.entries(FIELDS).map(([field, [column, empty]]) => {
  const type = INSTANCE_COLUMNS.get(column);
  if (!type) throw new Error(`instance field ${field}: no column ${column} in the schema`);
  return [field, { column, type, ...(empty !== undefined ? { empty } : {}) }];
}));

const IMMUTABLE = new Set(['id', 'infraId', 'node', 'createdAt']);

/**
 * Adds the patches to `stmt`, grouped by key set, one UPDATE per group; throws
 * REEF_STATE_BAD_PATCH (before anything is written) on an unknown key. Returns how many instances it updates.
 */
export function addPatches(stmt: OneStatement, updates: Array<{ id: string; patch: InstancePatch }>): number {
  // one row per id (later patches win), as if applied one after the other
  const merged = new Map<string, InstancePatch>();
  for (const u of updates) merged.set(u.id, { ...merged.get(u.id), ...u.patch });
  const groups = new Map<string, { keys: string[]; rows: Array<{ id: string; patch: InstancePatch }> }>();
  for (const [id, patch] of merged) {
    const keys: string[] = [];
    for (const key in patch) {
      if ((patch as Record<string, unknown>)[key] === undefined || IMMUTABLE.has(key)) continue;
      if (!(key in PATCH_COLUMNS)) throw new FatalError('REEF_STATE_BAD_PATCH', `instance ${id}: unknown field '${key}' in update`);
      keys.push(key);
    }
    if (keys.length === 0) continue;
    keys.sort();
    const set = keys.join(',');
    let g = groups.get(set);
    if (!g) groups.set(set, (g = { keys, rows: [] }));
    g.rows.push({ id, patch });
  }
  let count = 0;
  for (const { keys, rows } of groups.values()) {
    const cols = keys.map((k) => PATCH_COLUMNS[k]);
    const records = rows.map((r) => {
      const rec: Record<string, unknown> = { id: r.id };
      keys.forEach((k, i) => (rec[cols[i].column] = (r.patch as Record<string, unknown>)[k] ?? cols[i].empty ?? null));
      return rec;
    });
    const shape = ['id text', ...cols.map((c) => `${c.column} ${c.type}`)].join(', ');
    const sets = cols.map((c) => `${c.column} = v.${c.column}${c.type === 'json' ? '::text' : ''}`).join(', ');
    stmt.write(`UPDATE instances AS t SET ${sets} FROM json_to_recordset(${stmt.param(JSON.stringify(records), 'json')}) AS v(${shape})
                WHERE t.id = v.id AND ${stmt.guard}`);
    count += rows.length;
  }
  return count;
}
