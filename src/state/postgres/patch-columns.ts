/**
 * Instance patches for PostgreSQL. Patches with the same set of keys are written by one UPDATE … FROM unnest()
 * of column arrays (a CTE of one statement, see one-statement.ts), so a write-behind flush of thousands of
 * instances is one statement, not thousands of round trips.
 */
import { FatalError } from '../../errors/index.js';
import type { InstancePatch } from '../store.js';
import { jsonOrNull } from '../sqlite/rows.js';
import type { OneStatement } from './one-statement.js';

type Encode = (v: unknown) => unknown;
const plain: Encode = (v) => v ?? null;

export const PATCH_COLUMNS: Record<string, { column: string; type: string; encode: Encode }> = {
  implIndex: { column: 'impl_index', type: 'int4', encode: plain },
  driver: { column: 'driver', type: 'text', encode: plain },
  endpoint: { column: 'endpoint', type: 'text', encode: plain },
  ref: { column: 'ref_json', type: 'text', encode: jsonOrNull },
  state: { column: 'state', type: 'text', encode: plain },
  snapshot: { column: 'snapshot_json', type: 'text', encode: (v) => JSON.stringify(v) },
  machineVersion: { column: 'machine_version', type: 'int4', encode: plain },
  addresses: { column: 'addresses_json', type: 'text', encode: (v) => JSON.stringify(v ?? {}) },
  attempts: { column: 'attempts', type: 'int4', encode: plain },
  lastError: { column: 'last_error_json', type: 'text', encode: jsonOrNull },
  destroyReason: { column: 'destroy_reason', type: 'text', encode: plain },
  generation: { column: 'generation', type: 'int4', encode: plain },
  updatedAt: { column: 'updated_at', type: 'int8', encode: plain },
  readyAt: { column: 'ready_at', type: 'int8', encode: plain },
};

const IMMUTABLE = new Set(['id', 'infraId', 'node', 'createdAt']);

/**
 * Adds the patches to `stmt`, grouped by key set, one UPDATE … FROM unnest() per group; throws
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
    const arrays = [stmt.param(rows.map((r) => r.id), 'text[]'),
      ...keys.map((k, i) => stmt.param(rows.map((r) => PATCH_COLUMNS[k].encode((r.patch as Record<string, unknown>)[k])), `${cols[i].type}[]`))];
    const names = ['id', ...cols.map((c) => c.column)].join(', ');
    const sets = cols.map((c) => `${c.column} = v.${c.column}`).join(', ');
    stmt.write(`UPDATE instances AS t SET ${sets} FROM unnest(${arrays.join(', ')}) AS v(${names}) WHERE t.id = v.id AND ${stmt.guard}`);
    count += rows.length;
  }
  return count;
}
