/**
 * One resource's observation the way the engine sees it: through list() at its endpoint. Drivers have no
 * observe() (the engine never called it); tests that looked at one resource use this.
 */
import type { CallContext, Driver, Observation, ResourceRef } from '../../src/reconcilers/driver.js';
import type { ResourceSection } from '../../src/spec/types.js';

export async function observeViaList<R extends ResourceSection>(
  driver: Driver<R>,
  req: { ref: ResourceRef; resource: R; credentials?: Record<string, unknown> },
  ctx: CallContext,
): Promise<Observation> {
  const all = await driver.list({ resource: req.resource, credentials: req.credentials }, ctx);
  return all.find((o) => o.ref.id === req.ref.id) ?? { exists: false, ref: req.ref };
}
