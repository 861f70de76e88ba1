/** The scale benchmark's infra: 100 nodes in chains of depth 5 (n0 ← n1 ← … ← n4, n5 ← …), N/100 instances each. */
import type { InfraSpec, NodeSpec } from '../../src/spec/types.js';

export const NODES = 100;
export const CHAIN = 5;

export function scaleSpec(id: string, instances: number): InfraSpec {
  const per = Math.max(1, Math.round(instances / NODES));
  const nodes: NodeSpec[] = [];
  for (let n = 0; n < NODES; n++) {
    nodes.push({
      name: `n${n}`,
      type: `n${n}_type`,
      min: per,
      max: per,
      variables: {},
      dependsOn: n % CHAIN === 0 ? [] : [`n${n - 1}`],
      implementations: [{ resource: { type: 'dummy' } }],
    });
  }
  return { id, name: id, variables: {}, nodes, strategy: 'parallel', source: {} };
}
