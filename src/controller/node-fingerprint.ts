import { createHash } from 'node:crypto';
import type { NodeSpec } from '../spec/types.js';

/**
 * What an instance is built from (type, variables, implementations; not scaling limits or dependencies), as a
 * short hash. An instance keeps the one it was created with; a node whose hash changed rolls its instances.
 */
export function nodeFingerprint(n: Pick<NodeSpec, 'type' | 'variables' | 'implementations'>): string {
  return createHash('sha256').update(JSON.stringify({ type: n.type, variables: n.variables, implementations: n.implementations })).digest('hex').slice(0, 16);
}
