/**
 * Instance patches for PostgreSQL. Patches with the same set of keys are written by one UPDATE … FROM unnest()
 * of column arrays, so a write-behind flush of thousands of instances is a few statements, not thousands of
 * round trips.
 */
import { FatalError } from '../../errors/index.js';
import type { InstancePatch } from '../store.js';
import { jsonOrNull } from '../sqlite/rows.js';

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

export interface PatchGroup {
  sql: string;
  params: unknown[][];
}

/** Groups patches by key set into UPDATE statements; throws REEF_STATE_BAD_PATCH (before anything is written) on an unknown key. */
export function patchStatements(updates: Array<{ id: string; patch: InstancePatch }>): PatchGroup[] {
  // one row per id (later patches win), as if applied one after the other
  const merged = new Map<string, InstancePatch>();
  for (const u of updates) merged.set(u.id, { ...merged.get(u.id), ...u.patch });
  const groups = new Map<string, { keys: string[]; rows: Array<{ id: string; patch: InstancePatch }> }>();
  for (const [id, patch] of merged) {
    const u = { id, patch };
    const keys: string[] = [];
    for (const key in u.patch) {
      if ((u.patch as Record<string, unknown>)[key] === undefined || IMMUTABLE.has(key)) continue;
      if (!(key in PATCH_COLUMNS)) throw new FatalError('REEF_STATE_BAD_PATCH', `instance ${u.id}: unknown field '${key}' in update`);
      keys.push(key);
    }
    if (keys.length === 0) continue;
    keys.sort();
    const set = keys.join(',');
    let g = groups.get(set);
    if (!g) groups.set(set, (g = { keys, rows: [] }));
    g.rows.push(u);
  }
  return [...groups.values()].map(({ keys, rows }) => {
    const cols = keys.map((k) => PATCH_COLUMNS[k]);
    const arrays = ['text', ...cols.map((c) => c.type)].map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    const names = ['id', ...cols.map((c) => c.column)].join(', ');
    const sets = cols.map((c) => `${c.column} = v.${c.column}`).join(', ');
    const params: unknown[][] = [rows.map((r) => r.id)];
    keys.forEach((k) => params.push(rows.map((r) => PATCH_COLUMNS[k].encode((r.patch as Record<string, unknown>)[k]))));
    return { sql: `UPDATE instances AS t SET ${sets} FROM unnest(${arrays}) AS v(${names}) WHERE t.id = v.id`, params };
  });
}
