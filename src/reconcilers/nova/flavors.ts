/** flavor_name (a name or an id, as openstacksdk's find_flavor takes it) → the flavor's id and disk size. */
import type { CallContext } from '../driver.js';
import { FatalError } from '../errors.js';
import { httpStatus } from './classify.js';
import type { OpenStackSession } from './session.js';

export interface Flavor {
  id: string;
  name?: string;
  disk?: number;
}

export async function findFlavor(session: OpenStackSession, flavor: string, ctx: CallContext): Promise<Flavor> {
  try {
    const res = await session.compute(ctx, 'GET', `/flavors/${encodeURIComponent(flavor)}`, undefined, { what: `flavor ${flavor}` });
    const found = (res.body as { flavor?: Flavor })?.flavor;
    if (found?.id) return found;
  } catch (e) {
    if (httpStatus(e) !== 404) throw e;
  }
  const res = await session.compute(ctx, 'GET', '/flavors/detail?limit=1000', undefined, { what: 'list flavors' });
  const flavors = ((res.body as { flavors?: Flavor[] })?.flavors) ?? [];
  const byName = flavors.filter((f) => f.name === flavor);
  if (byName.length === 1) return byName[0];
  throw new FatalError('REEF_NOVA_FLAVOR_NOT_FOUND', byName.length > 1
    ? `flavor_name "${flavor}" names ${byName.length} flavors: give its id`
    : `no flavor with id or name "${flavor}" (have: ${flavors.map((f) => f.name ?? f.id).join(', ') || 'none'})`);
}
