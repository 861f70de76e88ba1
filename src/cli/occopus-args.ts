/** Pure mapping of Occopus's command-line values onto reef's (tested without a store). */
import { randomUUID } from 'node:crypto';
import { UsageError } from './exit.js';

/**
 * reef's id for an Occopus infra id. Occopus took any string (`-i micado_worker_infra`); reef ids are
 * `[A-Za-z0-9-]{1,63}`, so every other character becomes `-`. The same Occopus id always maps to the same reef
 * id, so scripts that pass it from build to scale and destroy keep working. No id: a fresh uuid4, as Occopus.
 */
export function reefInfraId(occopusId: string | undefined): string {
  if (occopusId === undefined) return randomUUID();
  const id = occopusId.replace(/[^A-Za-z0-9-]/g, '-');
  if (id.length === 0 || id.length > 63) throw new UsageError(`infra id "${occopusId}": must be 1 to 63 characters`);
  return id;
}

export interface OccopusScale {
  changescale?: string;
  setscale?: string;
  filter?: string;
}

/** occopus-scale's `-c ±N | -s N | -f ID|IP` (exactly one) as reef scale's --by / --to / --instance. */
export function scaleRequest(o: OccopusScale): { by?: number; to?: number; instance?: string } {
  const given = [o.changescale, o.setscale, o.filter].filter((v) => v !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of -c/--changescale ±N, -s/--setscale N, -f/--filter NODE_ID|IP');
  if (o.changescale !== undefined) {
    if (!/^[+-]?\d+$/.test(o.changescale) || Number(o.changescale) === 0) throw new UsageError(`-c/--changescale must be a non-zero whole number like +2 or -1, got "${o.changescale}"`);
    return { by: Number(o.changescale) };
  }
  if (o.setscale !== undefined) {
    if (!/^\d+$/.test(o.setscale) || Number(o.setscale) < 1) throw new UsageError(`-s/--setscale must be a whole number above 0, got "${o.setscale}"`);
    return { to: Number(o.setscale) };
  }
  return { instance: o.filter };
}

/** occopus-maintain -o: one line per instance, its addresses separated by spaces (public first). */
export function addressLines(instances: Array<{ node: string; addresses: { ip?: string; privateIp?: string } }>, nodeFilter?: string): string {
  return instances
    .filter((i) => nodeFilter === undefined || i.node.includes(nodeFilter))
    .map((i) => [...new Set([i.addresses.ip, i.addresses.privateIp].filter((a): a is string => !!a))].join(' '))
    .filter((line) => line !== '')
    .map((line) => `${line}\n`)
    .join('');
}
