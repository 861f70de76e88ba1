/**
 * The scale-out section's infras, as a user would PUT them: Occopus YAML, NODES nodes without dependencies, the
 * instances split exactly over infras and nodes, each infra on a dummy endpoint of its own (one simulated-cloud
 * file per infra, as different clouds or projects would be; a shared file would make every replica reload the
 * other replicas' rows on each list, which measures the simulation, not reef).
 */
export const NODES = 10;

export interface InfraBody { id: string; infra: string; nodes: string }

/** `total` instances over `infras` infras: the first (total mod infras) infras get one more. */
export function scaleOutInfras(total: number, infras: number, prefix: string): InfraBody[] {
  return Array.from({ length: infras }, (_, i) => {
    const id = `${prefix}-${String(i).padStart(3, '0')}`;
    const size = Math.floor(total / infras) + (i < total % infras ? 1 : 0);
    const type = `${id.replace(/-/g, '_')}_node`;
    const nodes = Array.from({ length: NODES }, (_, n) => {
      const count = Math.floor(size / NODES) + (n < size % NODES ? 1 : 0);
      return `  - name: n${n}\n    type: ${type}\n    scaling: {min: ${count}, max: ${count}}\n`;
    });
    return {
      id,
      infra: `infra_name: ${id}\nnodes:\n${nodes.join('')}`,
      nodes: `'node_def:${type}':\n  - resource:\n      type: dummy\n      endpoint: ${id}\n    health_check:\n      ping: false\n`,
    };
  });
}
