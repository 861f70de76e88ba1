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

export interface PutInfraResult {
  infra: InfraRecord;
  created: boolean;
  /** false when the stored spec was already identical (re-apply of an unchanged file). */
  changed: boolean;
}

export interface Lease {
  infraId: string;
  holder: string;
  expiresAt: number;
}

export interface Store {
  /** Upsert the desired state. Node rows follow the spec: new nodes get target=min, existing targets are clamped into the new [min,max], removed nodes' rows go. */
  putInfra(spec: InfraSpec, opts?: { authPath?: string; now?: number }): Promise<PutInfraResult>;
  getInfra(id: string): Promise<InfraRecord | undefined>;
  listInfras(): Promise<InfraRecord[]>;
  setInfraStatus(id: string, status: InfraStatus, now?: number): Promise<void>;
  /** Removes the infra, its nodes, instances and lease (events are kept). */
  deleteInfra(id: string): Promise<void>;

  getNodes(infraId: string): Promise<NodeRecord[]>;
  /** Throws a FatalError (REEF_SCALE_OUT_OF_RANGE) if target is outside [min,max]. Clears failedReason. */
  setTarget(infraId: string, node: string, target: number): Promise<NodeRecord>;
  setNodeFailed(infraId: string, node: string, reason: string | null): Promise<void>;

  insertInstance(rec: InstanceRecord): Promise<void>;
  /** Many inserts in one transaction (a scale-up of thousands commits its intent at once). */
  insertInstances(recs: InstanceRecord[]): Promise<void>;
  updateInstance(id: string, patch: InstancePatch): Promise<void>;
  /** Many updates in one transaction (the controller's write-behind flush). */
  writeInstances(updates: Array<{ id: string; patch: InstancePatch }>): Promise<void>;
  getInstance(id: string): Promise<InstanceRecord | undefined>;
  listInstances(infraId: string): Promise<InstanceRecord[]>;
  deleteInstance(id: string): Promise<void>;

  appendEvents(events: NewEvent[]): Promise<void>;
  listEvents(q: { infra?: string; afterSeq?: number; limit?: number }): Promise<EventRecord[]>;

  /** Node definitions stored by `reef import`, used when apply has no --nodes. */
  putNodeDefs(defs: Record<string, Implementation[]>, now?: number): Promise<string[]>;
  getNodeDefs(): Promise<Record<string, Implementation[]>>;

  /** True if `holder` now holds the lease (it was free, expired, or already its own); renews on success. */
  acquireLease(infraId: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLease(infraId: string, holder: string): Promise<void>;
  getLease(infraId: string): Promise<Lease | undefined>;

  close(): Promise<void>;
}
