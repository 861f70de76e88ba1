/**
 * Row shapes of the SQLite tables (PostgreSQL's are the same) and their mapping to the store's records. A JSON
 * column that does not parse fails that row alone, with REEF_STATE_ROW_CORRUPT naming the infra, the instance and
 * the column: one damaged row is its infra's problem, never every infra's.
 */
import type { InfraSpec } from '../../spec/types.js';
import { FatalError } from '../../errors/index.js';
import type { BrokenInfraRecord, EventRecord, InfraListing, InfraRecord, InfraStatus, InstanceRecord, InstanceState, NodeRecord, NewEvent } from '../store.js';

export interface InfraRow {
  id: string;
  name: string;
  spec_json: string;
  spec_hash: string;
  generation: number;
  status: InfraStatus;
  auth_path: string | null;
  created_at: number;
  updated_at: number;
}

export interface NodeRow {
  infra_id: string;
  name: string;
  position: number;
  min: number;
  max: number;
  target: number;
  failed_reason: string | null;
}

export interface InstanceRow {
  id: string;
  infra_id: string;
  node: string;
  impl_index: number;
  driver: string;
  endpoint: string;
  ref_json: string | null;
  state: InstanceState;
  snapshot_json: string | null;
  machine_version: number;
  addresses_json: string;
  attempts: number;
  last_error_json: string | null;
  destroy_reason: string | null;
  generation: number;
  created_at: number;
  updated_at: number;
  ready_at: number | null;
}

export interface EventRow {
  seq: number;
  time: number;
  infra: string;
  node: string | null;
  instance: string | null;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  message: string;
  data_json: string | null;
}

/** undefined and null are both stored as NULL. */
export const jsonOrNull = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** Parses a stored JSON column; `where` names the row ("infra X", "infra X, instance Y"). */
function parseColumn<T>(where: string, column: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    // the parser's words, unless they quote the stored text (which may hold rendered values): never the content
    const msg = (e as Error).message;
    const why = msg.includes('"') ? 'unexpected content' : msg;
    throw new FatalError('REEF_STATE_ROW_CORRUPT', `${where}: stored column ${column} is not valid JSON (${why})`);
  }
}

const parseOrNull = <T>(where: string, column: string, s: string | null): T | null => (s === null ? null : parseColumn<T>(where, column, s));

export function infraFromRow(r: InfraRow): InfraRecord {
  const rec: InfraRecord = {
    id: r.id,
    name: r.name,
    spec: parseColumn<InfraSpec>(`infra ${r.id}`, 'spec_json', r.spec_json),
    generation: r.generation,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.auth_path !== null) rec.authPath = r.auth_path;
  return rec;
}

export function nodeFromRow(r: NodeRow): NodeRecord {
  return { infraId: r.infra_id, name: r.name, min: r.min, max: r.max, target: r.target, failedReason: r.failed_reason };
}

/** An infra as `listInfras()` gives it: a row whose spec does not parse is listed as broken, so the others still are. */
export function infraListingFromRow(r: InfraRow): InfraListing {
  try {
    return infraFromRow(r);
  } catch (e) {
    const broken: BrokenInfraRecord = {
      id: r.id, name: r.name, generation: r.generation, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
      broken: (e as Error).message,
    };
    return broken;
  }
}

/** Nullable fields come back as null; `snapshot` is absent when none was stored (a stored JSON null stays null). */
export function instanceFromRow(r: InstanceRow): InstanceRecord {
  const where = `infra ${r.infra_id}, instance ${r.id}`;
  const rec: InstanceRecord = {
    id: r.id,
    infraId: r.infra_id,
    node: r.node,
    implIndex: r.impl_index,
    driver: r.driver,
    endpoint: r.endpoint,
    ref: parseOrNull(where, 'ref_json', r.ref_json),
    state: r.state,
    machineVersion: r.machine_version,
    addresses: parseColumn(where, 'addresses_json', r.addresses_json),
    attempts: r.attempts,
    lastError: parseOrNull(where, 'last_error_json', r.last_error_json),
    destroyReason: r.destroy_reason,
    generation: r.generation,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    readyAt: r.ready_at,
  };
  if (r.snapshot_json !== null) rec.snapshot = parseColumn(where, 'snapshot_json', r.snapshot_json);
  return rec;
}

/** Named parameters for `INSERT INTO instances`. */
export function instanceToRow(rec: InstanceRecord): InstanceRow {
  return {
    id: rec.id,
    infra_id: rec.infraId,
    node: rec.node,
    impl_index: rec.implIndex,
    driver: rec.driver,
    endpoint: rec.endpoint,
    ref_json: jsonOrNull(rec.ref),
    state: rec.state,
    snapshot_json: rec.snapshot === undefined ? null : JSON.stringify(rec.snapshot),
    machine_version: rec.machineVersion,
    addresses_json: JSON.stringify(rec.addresses ?? {}),
    attempts: rec.attempts,
    last_error_json: jsonOrNull(rec.lastError),
    destroy_reason: rec.destroyReason ?? null,
    generation: rec.generation,
    created_at: rec.createdAt,
    updated_at: rec.updatedAt,
    ready_at: rec.readyAt ?? null,
  };
}

export function eventFromRow(r: EventRow): EventRecord {
  const ev: EventRecord = { seq: r.seq, time: r.time, infra: r.infra, kind: r.kind, message: r.message };
  if (r.node !== null) ev.node = r.node;
  if (r.instance !== null) ev.instance = r.instance;
  if (r.from_state !== null) ev.from = r.from_state;
  if (r.to_state !== null) ev.to = r.to_state;
  if (r.data_json !== null) ev.data = eventData(r.seq, r.data_json);
  return ev;
}

/** An event whose data does not parse is still listed (the log goes on past it), with a note in place of its data. */
function eventData(seq: number, text: string): Record<string, unknown> {
  try {
    return parseColumn<Record<string, unknown>>(`event ${seq}`, 'data_json', text);
  } catch (e) {
    return { unreadable: (e as Error).message };
  }
}

export function eventToRow(e: NewEvent): Omit<EventRow, 'seq'> {
  return {
    time: e.time,
    infra: e.infra,
    node: e.node ?? null,
    instance: e.instance ?? null,
    kind: e.kind,
    from_state: e.from ?? null,
    to_state: e.to ?? null,
    message: e.message,
    data_json: jsonOrNull(e.data),
  };
}
