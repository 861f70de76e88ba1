/** Keystone v3 token answers → endpoint URLs. Pure. */
import { FatalError } from '../errors.js';

export interface CatalogEndpoint {
  interface?: string;
  region_id?: string;
  region?: string;
  url?: string;
}

export interface CatalogEntry {
  type?: string;
  name?: string;
  endpoints?: CatalogEndpoint[];
}

/**
 * The `interface` (public by default) URL of a service type, in `region` when given. Without a region the
 * first matching endpoint wins, as keystoneauth does. Trailing slashes are dropped.
 */
export function pickEndpoint(catalog: CatalogEntry[], serviceType: string, region: string | undefined,
  iface = 'public'): string {
  const entries = catalog.filter((c) => c.type === serviceType);
  for (const entry of entries) {
    for (const ep of entry.endpoints ?? []) {
      if (ep.interface !== iface || !ep.url) continue;
      if (region && ep.region_id !== region && ep.region !== region) continue;
      return ep.url.replace(/\/+$/, '');
    }
  }
  const regions = [...new Set(entries.flatMap((e) => (e.endpoints ?? []).map((ep) => ep.region_id ?? ep.region ?? '?')))];
  throw new FatalError('REEF_NOVA_NO_ENDPOINT',
    `the Keystone catalog has no ${iface} "${serviceType}" endpoint${region ? ` in region "${region}"` : ''}` +
    (regions.length ? ` (regions with one: ${regions.join(', ')})` : ''));
}
