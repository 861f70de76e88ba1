/** What every surface shows of an infra (the /v1 JSON, the CLI's tables and -o json): auth paths and auth data are never part of them; source paths are. */
import { isBrokenInfra, type EventRecord, type InfraListing, type InfraRecord, type InstanceRecord, type NodeRecord, type Store } from '../state/store.js';
import { isReefError } from '../errors/index.js';
import { summarise, type RuntimeStatus } from '../controller/status.js';
import { unknownInfra } from './infra.js';

export interface InfraSummaryView {
  id: string;
  name: string;
  status: InfraRecord['status'];
  generation: number;
  nodes: number;
  ready: number;
  total: number;
  createdAt: string;
  updatedAt: string;
  /** set when a stored row of this infra cannot be read: what and where (the infra is not reconciled) */
  broken?: string;
}

export interface InstanceView {
  id: string;
  node: string;
  state: InstanceRecord['state'];
  address: string | null;
  addresses: InstanceRecord['addresses'];
  createdAt: string;
  ageS: number;
  lastError: { code: string; message: string } | null;
  destroyReason: string | null;
}

export interface InfraStatusView {
  id: string;
  name: string;
  status: InfraRecord['status'];
  generation: number;
  strategy: string;
  source: InfraRecord['spec']['source'];
  converged: boolean;
  settled: boolean;
  nodes: Array<RuntimeStatus['nodes'][number] & { type: string; dependsOn: string[] }>;
  failedNodes: RuntimeStatus['failedNodes'];
  errors: RuntimeStatus['errors'];
  instances: InstanceView[];
  updatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function summaryView(infra: InfraRecord, instances: InstanceRecord[]): InfraSummaryView {
  const live = instances.filter((i) => !i.destroyReason);
  return {
    id: infra.id, name: infra.name, status: infra.status, generation: infra.generation, nodes: infra.spec.nodes.length,
    ready: live.filter((i) => i.state === 'ready').length, total: live.length, createdAt: iso(infra.createdAt), updatedAt: iso(infra.updatedAt),
  };
}

export function instanceView(i: InstanceRecord, now = Date.now()): InstanceView {
  return {
    id: i.id, node: i.node, state: i.state, address: i.addresses.ip ?? i.addresses.privateIp ?? null, addresses: i.addresses,
    createdAt: iso(i.createdAt), ageS: Math.max(0, Math.round((now - i.createdAt) / 1000)),
    lastError: i.lastError ? { code: i.lastError.code, message: i.lastError.message } : null, destroyReason: i.destroyReason ?? null,
  };
}

/**
 * What the store says (the controller writes through to it), plus the live runtime's endpoint errors. Not the
 * runtime's last status alone: right after a write it still describes the state before the write.
 */
export async function statusView(store: Store, live: RuntimeStatus | undefined, id: string): Promise<InfraStatusView> {
  const infra = await store.getInfra(id);
  if (!infra) throw unknownInfra(id);
  const nodes: NodeRecord[] = await store.getNodes(id);
  const instances = await store.listInstances(id);
  const s = summarise({ infra, nodes, instances, untracked: 0, actions: 0, errors: live?.errors ?? [] });
  const specOf = new Map(infra.spec.nodes.map((n) => [n.name, n]));
  return {
    id, name: infra.name, status: infra.status, generation: infra.generation, strategy: infra.spec.strategy, source: infra.spec.source,
    converged: s.converged, settled: s.settled,
    nodes: s.nodes.map((n) => ({ ...n, failedReason: n.failedReason ?? null, type: specOf.get(n.name)?.type ?? '', dependsOn: specOf.get(n.name)?.dependsOn ?? [] })),
    failedNodes: s.failedNodes, errors: s.errors,
    instances: instances.filter((i) => i.state !== 'gone').map((i) => instanceView(i)),
    updatedAt: iso(infra.updatedAt),
  };
}

/** Occopus's infrastructure report: {NODE: {instances: {ID: {resource_address, state}}, scaling: {...}}} */
export function occopusReport(nodes: NodeRecord[], instances: InstanceRecord[]): Record<string, unknown> {
  const report: Record<string, unknown> = {};
  for (const n of nodes) {
    const mine = instances.filter((i) => i.node === n.name && !i.destroyReason);
    report[n.name] = {
      instances: Object.fromEntries(mine.map((i) => [i.id, { resource_address: instanceView(i).address, state: i.state, ...(i.lastError ? { error: i.lastError.message } : {}) }])),
      scaling: { actual: mine.length, target: n.target, min: n.min, max: n.max },
    };
  }
  return report;
}

/** An event as `reef logs -o json` prints it. */
export function eventView(e: EventRecord): Record<string, unknown> {
  return {
    seq: e.seq, time: iso(e.time), infra: e.infra, node: e.node, instance: e.instance, kind: e.kind, from: e.from, to: e.to,
    message: e.message, ...(e.data ? { data: e.data } : {}),
  };
}

/** An infra whose stored rows cannot be read: its row in the list says why; the counts are unknown (0). */
export function brokenSummaryView(infra: InfraListing, broken: string): InfraSummaryView {
  return {
    id: infra.id, name: infra.name, status: infra.status, generation: infra.generation, nodes: 'spec' in infra ? infra.spec.nodes.length : 0,
    ready: 0, total: 0, createdAt: iso(infra.createdAt), updatedAt: iso(infra.updatedAt), broken,
  };
}

/** Every infra in one row each (`reef status`, GET /v1/infras); one whose rows cannot be read is listed as broken. */
export async function infraSummaries(store: Store): Promise<InfraSummaryView[]> {
  return Promise.all((await store.listInfras()).map(async (i) => {
    if (isBrokenInfra(i)) return brokenSummaryView(i, i.broken);
    try {
      return summaryView(i, await store.listInstances(i.id));
    } catch (e) {
      if (isReefError(e) && e.code === 'REEF_STATE_ROW_CORRUPT') return brokenSummaryView(i, e.message);
      throw e;
    }
  }));
}
