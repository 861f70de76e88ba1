/**
 * Partial instance updates. A patch updates only the columns it carries, so one UPDATE is built per distinct
 * set of keys and cached: the controller's flushes repeat a handful of shapes thousands of times.
 */
import type Database from 'better-sqlite3';
import { FatalError } from '../../errors/index.js';
import type { InstancePatch } from '../store.js';
import { jsonOrNull } from './rows.js';

type Encode = (v: unknown) => unknown;
const plain: Encode = (v) => v ?? null;
const json: Encode = jsonOrNull;

const COLUMNS: Record<string, { column: string; encode: Encode }> = {
  implIndex: { column: 'impl_index', encode: plain },
  driver: { column: 'driver', encode: plain },
  endpoint: { column: 'endpoint', encode: plain },
  ref: { column: 'ref_json', encode: json },
  state: { column: 'state', encode: plain },
  snapshot: { column: 'snapshot_json', encode: (v) => JSON.stringify(v) },
  machineVersion: { column: 'machine_version', encode: plain },
  addresses: { column: 'addresses_json', encode: (v) => JSON.stringify(v ?? {}) },
  attempts: { column: 'attempts', encode: plain },
  lastError: { column: 'last_error_json', encode: json },
  destroyReason: { column: 'destroy_reason', encode: plain },
  generation: { column: 'generation', encode: plain },
  updatedAt: { column: 'updated_at', encode: plain },
  readyAt: { column: 'ready_at', encode: plain },
};

/** Identity fields a caller may leave in a patch built from a whole record; they never change. */
const IMMUTABLE = new Set(['id', 'infraId', 'node', 'createdAt']);

interface PreparedPatch {
  stmt: Database.Statement;
  keys: string[];
}

export class InstancePatcher {
  private readonly byKeySet = new Map<string, PreparedPatch>();

  constructor(private readonly db: Database.Database) {}

  /** Runs the patch; returns the number of rows changed (0 when the instance does not exist). */
  apply(id: string, patch: InstancePatch): number {
    const keys: string[] = [];
    for (const key in patch) {
      if ((patch as Record<string, unknown>)[key] === undefined || IMMUTABLE.has(key)) continue;
      if (!(key in COLUMNS)) throw new FatalError('REEF_STATE_BAD_PATCH', `instance ${id}: unknown field '${key}' in update`);
      keys.push(key);
    }
    if (keys.length === 0) return 0;
    keys.sort();
    const prepared = this.statementFor(keys);
    const args: unknown[] = new Array(keys.length + 1);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      args[i] = COLUMNS[key].encode((patch as Record<string, unknown>)[key]);
    }
    args[keys.length] = id;
    return prepared.stmt.run(args).changes;
  }

  private statementFor(keys: string[]): PreparedPatch {
    const keySet = keys.join(',');
    let prepared = this.byKeySet.get(keySet);
    if (!prepared) {
      const sets = keys.map((k) => `${COLUMNS[k].column} = ?`).join(', ');
      prepared = { stmt: this.db.prepare(`UPDATE instances SET ${sets} WHERE id = ?`), keys };
      this.byKeySet.set(keySet, prepared);
    }
    return prepared;
  }

  /** For tests: how many distinct UPDATE statements have been prepared. */
  get cachedStatements(): number {
    return this.byKeySet.size;
  }
}
