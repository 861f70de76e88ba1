/**
 * The store: desired state (infras, nodes with min/max/target), what reef knows of each instance (ref,
 * persisted machine snapshot), an append-only event log, and per-infra leases. SQLite (state/sqlite/) is the
 * embedded default; the interface is async so that a networked backend (PostgreSQL) can implement it.
 *
 * The controller keeps its own in-memory model and writes through; it reads the store only at start-up, so
 * reads here need not be fast per tick. Writes of many instances at once go through writeInstances() (one
 * transaction).
 */
import type { InfraSpec, Implementation } from '../spec/types.js';
import type { Addresses, ResourceRef } from '../reconcilers/driver.js';

export type InfraStatus = 'active' | 'destroying' | 'destroyed';

export interface InfraRecord {
  id: string;
  name: string;
  spec: InfraSpec;
  /** bumped whenever the stored spec changes (re-apply of an identical spec keeps it). */
  generation: number;
  status: InfraStatus;
  /** absolute path of the auth file given at apply time, re-read by controllers; secrets are never stored. */
  authPath?: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * An infra whose stored row cannot be read (a JSON column does not parse): `listInfras()` still lists it, with the
 * reason, so every other infra is listed, shown and reconciled. `getInfra()` of it fails with REEF_STATE_ROW_CORRUPT.
 */
export interface BrokenInfraRecord extends Omit<InfraRecord, 'spec' | 'authPath'> {
  /** what cannot be read, naming the infra and the column */
  broken: string;
}

export type InfraListing = InfraRecord | BrokenInfraRecord;

export function isBrokenInfra(i: InfraListing): i is BrokenInfraRecord {
  return 'broken' in i;
}

export interface NodeRecord {
  infraId: string;
  name: string;
  min: number;
  max: number;
  /** how many instances are wanted; always within [min, max]. */
  target: number;
  /** set when the node gave up (too many consecutive failures); cleared by apply/scale. */
  failedReason?: string | null;
}

export type InstanceState =
  | 'pending'
  | 'creating'
  | 'booting'
  | 'contextualising'
  | 'configuring'
  | 'checking'
  | 'ready'
  | 'unhealthy'
  | 'failed'
  | 'destroying'
  | 'gone';

export interface InstanceError {
  code: string;
  message: string;
  transient: boolean;
  /** the cloud's own hint (throttling): retry no sooner than this */
  retryAfterMs?: number;
}

export interface InstanceRecord {
  id: string;
  infraId: string;
  node: string;
  /** index into the node's implementations (chosen once, at create). */
  implIndex: number;
  driver: string;
  endpoint: string;
  ref?: ResourceRef | null;
  state: InstanceState;
  /** xstate persisted snapshot, opaque JSON. */
  snapshot?: unknown;
  machineVersion: number;
  addresses: Addresses;
  attempts: number;
  lastError?: InstanceError | null;
  /** why it is being destroyed ('scale-down', 'replace', 'destroy', 'orphan', ...); null while wanted. */
  destroyReason?: string | null;
  /** spec generation the instance was created from. */
  generation: number;
  createdAt: number;
  updatedAt: number;
  readyAt?: number | null;
}

export type InstancePatch = Partial<Omit<InstanceRecord, 'id' | 'infraId' | 'node' | 'createdAt'>>;

export interface EventRecord {
  seq: number;
  time: number;
  infra: string;
  node?: string;
  instance?: string;
  /** 'instance.transition' | 'infra.applied' | 'node.failed' | 'instance.observed' | ... */
  kind: string;
  from?: string;
  to?: string;
  message: string;
  data?: Record<string, unknown>;
}

export type NewEvent = Omit<EventRecord, 'seq'>;

/** What one write-behind flush writes. */
export interface WriteBatch {
  patches?: Array<{ id: string; patch: InstancePatch }>;
  deletions?: string[];
  events?: NewEvent[];
}

export interface PutInfraResult {
  infra: InfraRecord;
  created: boolean;
  /** false when the stored spec was already identical (re-apply of an unchanged file). */
  changed: boolean;
}

export interface ScaleVictim {
  instanceId: string;
  reason: string;
}

export interface Lease {
  infraId: string;
  holder: string;
  expiresAt: number;
}

/** What a controller holds after takeLease(): writes carrying it commit only while the lease is still this one. */
export interface Fence {
  infraId: string;
  holder: string;
  /** unique per infra and increasing: a new holder (or the same one after a release) gets a new epoch */
  epoch: number;
  expiresAt: number;
}

/** One row per (infra, epoch, holder) that committed fenced writes. */
export interface LeaseAuditRecord {
  infraId: string;
  epoch: number;
  holder: string;
  writes: number;
  firstAt: number;
  lastAt: number;
}

/** A `reef serve` process that shares the infras (its heartbeat row). */
export interface ReplicaRecord {
  id: string;
  expiresAt: number;
}

/** Raised by a fenced write whose lease was taken over (or released): the writer must stop acting on the infra. */
export const LEASE_LOST = 'REEF_LEASE_LOST';

/** What a backend tells other processes about (PostgreSQL: LISTEN/NOTIFY; SQLite: nothing, others poll). */
export type StoreChange = { kind: 'events'; infra: string } | { kind: 'desired'; infra: string };

/** Can the store keep what it is given? `code` is a catalogued REEF_STATE_* code, `message` says why in a sentence. */
export type StoreHealth = { ok: true } | { ok: false; code: string; message: string };

/** Codes of a store that cannot keep writes right now: the controller stops acting until it can again. */
export const STORE_UNAVAILABLE = new Set(['REEF_STATE_GONE', 'REEF_STATE_READONLY', 'REEF_STATE_UNREACHABLE']);

export interface Store {
  /** Upsert the desired state. Node rows follow the spec: new nodes get target=min, existing targets are clamped into the new [min,max], removed nodes' rows go. */
  putInfra(spec: InfraSpec, opts?: { authPath?: string; now?: number }): Promise<PutInfraResult>;
  getInfra(id: string): Promise<InfraRecord | undefined>;
  /** every infra; one whose row cannot be read is listed as broken (the others are not held up by it) */
  listInfras(): Promise<InfraListing[]>;
  setInfraStatus(id: string, status: InfraStatus, now?: number, fence?: Fence): Promise<void>;
  /** Removes the infra, its nodes, instances and lease (events are kept). */
  deleteInfra(id: string): Promise<void>;

  getNodes(infraId: string): Promise<NodeRecord[]>;
  /**
   * Throws a FatalError (REEF_SCALE_OUT_OF_RANGE) if target is outside [min,max]. Clears failedReason. With a
   * victim, that instance of the node is marked for destruction in the same transaction (`reef scale --instance`):
   * no reconcile can see the new target without the mark and pick another instance to remove.
   */
  setTarget(infraId: string, node: string, target: number, victim?: ScaleVictim): Promise<NodeRecord>;
  setNodeFailed(infraId: string, node: string, reason: string | null, fence?: Fence): Promise<void>;

  /*
   * Every write below (and setInfraStatus, setNodeFailed) takes an optional Fence: given one, it commits only
   * while that lease is still held, else throws a FatalError with code LEASE_LOST and changes nothing.
   * A fenced write may only touch the fence's infra.
   */
  insertInstance(rec: InstanceRecord, fence?: Fence): Promise<void>;
  /** Many inserts in one transaction (a scale-up of thousands commits its intent at once). */
  insertInstances(recs: InstanceRecord[], fence?: Fence): Promise<void>;
  updateInstance(id: string, patch: InstancePatch, fence?: Fence): Promise<void>;
  /** Many updates in one transaction (the controller's write-behind flush). */
  writeInstances(updates: Array<{ id: string; patch: InstancePatch }>, fence?: Fence): Promise<void>;
  getInstance(id: string): Promise<InstanceRecord | undefined>;
  listInstances(infraId: string): Promise<InstanceRecord[]>;
  deleteInstance(id: string, fence?: Fence): Promise<void>;

  appendEvents(events: NewEvent[], fence?: Fence): Promise<void>;
  /**
   * Patches, deletions and events in one atomic write (the controller's write-behind flush; PostgreSQL: one
   * statement, fence check included). A deletion wins over a patch of the same instance.
   */
  writeBatch(batch: WriteBatch, fence?: Fence): Promise<void>;
  listEvents(q: { infra?: string; afterSeq?: number; limit?: number }): Promise<EventRecord[]>;

  /** Node definitions stored by `reef import`, used when apply has no --nodes. */
  putNodeDefs(defs: Record<string, Implementation[]>, now?: number): Promise<string[]>;
  getNodeDefs(): Promise<Record<string, Implementation[]>>;

  /** True if `holder` now holds the lease (it was free, expired, or already its own); renews on success. */
  acquireLease(infraId: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  /** acquireLease that returns the fence to write with: a renewal keeps the epoch, a take-over gets a new one. */
  takeLease(infraId: string, holder: string, ttlMs: number, now: number): Promise<Fence | undefined>;
  /**
   * Renews in one write every lease of `infraIds` that `holder` still holds (expiring `ttlMs` after `now`), and
   * answers the epoch of each one renewed. An infra missing from the answer is no longer this holder's: its
   * lease was taken over or released, and is not taken back here.
   */
  renewLeases(holder: string, infraIds: string[], ttlMs: number, now: number): Promise<Map<string, number>>;
  releaseLease(infraId: string, holder: string): Promise<void>;
  getLease(infraId: string): Promise<Lease | undefined>;
  listLeases(): Promise<Array<Lease & { epoch: number }>>;
  listLeaseAudit(infraId?: string): Promise<LeaseAuditRecord[]>;

  /** Replica heartbeats: `reef serve` processes sharing the infras renew theirs; expired ones do not count. */
  heartbeat(replica: string, ttlMs: number, now: number): Promise<void>;
  leaveReplicas(replica: string): Promise<void>;
  listReplicas(now: number): Promise<ReplicaRecord[]>;

  /** Changes made by other processes, where the backend can push them; returns an unsubscribe function. */
  watch?(fn: (c: StoreChange) => void): () => void;

  /** Whether writes would be kept (the file is still there and writable; the database answers). */
  health?(): Promise<StoreHealth>;

  close(): Promise<void>;
}
