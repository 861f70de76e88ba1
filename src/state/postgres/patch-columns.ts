/**
 * Instance patches for PostgreSQL. Patches with the same set of keys are written by one UPDATE … FROM
 * json_to_recordset() (a CTE of one statement, see one-statement.ts), so a write-behind flush of thousands of
 * instances is one statement, not thousands of round trips. One JSON.stringify of the rows costs far less than
 * node-postgres's array literals (each string element escaped in JavaScript), the replicas' bottleneck.
 */
import { FatalError } from '../../errors/index.js';
import type { InstancePatch } from '../store.js';
import type { OneStatement } from './one-statement.js';

/**
 * How a patch field reaches its column. Rows travel as one JSON parameter read by json_to_recordset(): a `json`
 * field is embedded as it is (no string in a string to escape twice) and stored as the text PostgreSQL kept of it,
 * which for the json type is exactly the input; `empty` is what an absent value is written as.
 */
interface PatchColumn { column: string; type: 'int4' | 'int8' | 'text' | 'json'; empty?: unknown }

export const PATCH_COLUMNS: Record<string, PatchColumn> = {
  implIndex: { column: 'impl_index', type: 'int4' },
  driver: { column: 'driver', type: 'text' },
  endpoint: { column: 'endpoint', type: 'text' },
  ref: { column: 'ref_json', type: 'json' },
  state: { column: 'state', type: 'text' },
  snapshot: { column: 'snapshot_json', type: 'json' },
  machineVersion: { column: 'machine_version', type: 'int4' },
  addresses: { column: 'addresses_json', type: 'json', empty: {} },
  attempts: { column: 'attempts', type: 'int4' },
  lastError: { column: 'last_error_json', type: 'json' },
  destroyReason: { column: 'destroy_reason', type: 'text' },
  generation: { column: 'generation', type: 'int4' },
  updatedAt: { column: 'updated_at', type: 'int8' },
  readyAt: { column: 'ready_at', type: 'int8' },
};

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
