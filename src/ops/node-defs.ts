/** `reef import` / PUT /v1/nodedefs: checked node definitions stored for applies without --nodes. */
import type { Implementation } from '../spec/types.js';
import type { OpsDeps } from './deps.js';

export async function importNodeDefs(deps: Pick<OpsDeps, 'store'>, defs: Record<string, Implementation[]>): Promise<string[]> {
  return deps.store.putNodeDefs(defs);
}
