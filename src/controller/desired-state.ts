/**
 * What one infra should look like, as this runtime last read it from the store: the infra row (generation,
 * status, auth path), its spec indexed by node name with each node definition's fingerprint, and the node rows
 * (targets, failed reasons). Re-read cheaply at the start of every reconcile: another process may have applied,
 * scaled or destroyed since.
 */
import type { Implementation, InfraSpec, NodeSpec } from '../spec/types.js';
import type { InfraRecord, InstanceRecord, NodeRecord, Store } from '../state/store.js';
import { nodeFingerprint } from './node-fingerprint.js';

export type Refresh =
  | { kind: 'removed' }
  /** targetsChanged: some node's target differs from the last read (a `reef scale` may have marked a victim) */
  | { kind: 'read'; targetsChanged: boolean };

export class DesiredState {
  infra: InfraRecord;
  spec: InfraSpec;
  generation: number;
  nodes: NodeRecord[] = [];
  private byName = new Map<string, NodeSpec>();
  private hashes = new Map<string, string>();

  constructor(infra: InfraRecord) {
    this.infra = infra;
    this.spec = infra.spec;
    this.generation = infra.generation;
    this.index();
  }

  get id(): string {
    return this.infra.id;
  }

  async loadNodes(store: Store): Promise<void> {
    this.nodes = await store.getNodes(this.infra.id);
  }

  async refresh(store: Store): Promise<Refresh> {
    const infra = await store.getInfra(this.infra.id);
    if (!infra) return { kind: 'removed' };
    this.infra = infra;
    if (infra.generation !== this.generation) {
      this.generation = infra.generation;
      this.spec = infra.spec;
      this.index();
    }
    const before = new Map(this.nodes.map((n) => [n.name, n.target]));
    this.nodes = await store.getNodes(infra.id);
    return { kind: 'read', targetsChanged: before.size > 0 && this.nodes.some((n) => before.get(n.name) !== n.target) };
  }

  node(name: string): NodeSpec | undefined {
    return this.byName.get(name);
  }

  /** fingerprint of the node's current definition (what an instance is built from) */
  hashOf(node: string): string | undefined {
    return this.hashes.get(node);
  }

  /** the implementation an instance is built from (its index is chosen once, at create) */
  implementationOf(rec: Pick<InstanceRecord, 'node' | 'implIndex'>): Implementation | undefined {
    const node = this.byName.get(rec.node);
    return node?.implementations[rec.implIndex] ?? node?.implementations[0];
  }

  /** node and implementation of an instance, or undefined when its node left the spec */
  placementOf(rec: Pick<InstanceRecord, 'node' | 'implIndex'>): { node: NodeSpec; implementation: Implementation } | undefined {
    const node = this.byName.get(rec.node);
    if (!node) return undefined;
    return { node, implementation: node.implementations[rec.implIndex] ?? node.implementations[0] };
  }

  markNodeFailed(node: string, reason: string): void {
    this.nodes = this.nodes.map((n) => (n.name === node ? { ...n, failedReason: reason } : n));
  }

  markDestroyed(): void {
    this.infra = { ...this.infra, status: 'destroyed' };
  }

  private index(): void {
    this.byName = new Map(this.spec.nodes.map((n) => [n.name, n]));
    // what an instance is built from; scaling limits and dependencies are not part of it
    this.hashes = new Map(this.spec.nodes.map((n) => [n.name, nodeFingerprint(n)]));
  }
}
