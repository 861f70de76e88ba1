/** Builders and temp dirs for the state tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfraSpec, NodeSpec } from '../../src/spec/types.js';
import type { InstanceRecord } from '../../src/state/store.js';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'reef-state-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function node(name: string, min: number, max: number, extra: Partial<NodeSpec> = {}): NodeSpec {
  return {
    name,
    type: `${name}_type`,
    min,
    max,
    variables: {},
    dependsOn: [],
    implementations: [{ resource: { type: 'dummy', endpoint: 'local' } }],
    ...extra,
  };
}

export function spec(nodes: NodeSpec[], extra: Partial<InfraSpec> = {}): InfraSpec {
  return {
    id: 'demo',
    name: 'demo',
    variables: { region: 'eu' },
    nodes,
    strategy: 'parallel',
    source: { infraFile: '/tmp/infra.yaml' },
    ...extra,
  };
}

export function instance(id: string, extra: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id,
    infraId: 'demo',
    node: 'worker',
    implIndex: 0,
    driver: 'dummy',
    endpoint: 'local',
    ref: null,
    state: 'pending',
    machineVersion: 1,
    addresses: {},
    attempts: 0,
    lastError: null,
    destroyReason: null,
    generation: 1,
    createdAt: 1000,
    updatedAt: 1000,
    readyAt: null,
    ...extra,
  };
}
