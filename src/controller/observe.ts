/**
 * Reads cloud state once per endpoint per tick: one list() per endpoint for the whole infra, never one call
 * per instance. An endpoint whose list fails yields no observations this tick (absence is not evidence).
 */
import type { Driver, Observation, ResourceRef } from '../reconcilers/driver.js';
import type { ResourceSection } from '../spec/types.js';
import type { CallContext } from '../reconcilers/driver.js';
import type { EndpointLimiter } from './limiter.js';
import { asReefError, type ReefError } from '../errors/index.js';

export interface EndpointTarget {
  driverType: string;
  /** `${driverType}|${driver.endpointKey(resource)}` */
  key: string;
  endpoint: string;
  resource: ResourceSection;
  credentials?: Record<string, unknown>;
}

export interface ObservedCloud {
  /** by reef instance id (the reef.instance label) */
  byInstance: Map<string, Observation>;
  /** endpoint keys whose list() succeeded this tick */
  listed: Set<string>;
  errors: Array<{ key: string; endpoint: string; code: string; message: string; error: ReefError }>;
}

export interface ObserveDeps {
  driver(type: string): Promise<Driver>;
  limiter(key: string): EndpointLimiter;
  ctx: CallContext;
}

export async function observeEndpoints(targets: EndpointTarget[], infraId: string, deps: ObserveDeps): Promise<ObservedCloud> {
  const out: ObservedCloud = { byInstance: new Map(), listed: new Set(), errors: [] };
  await Promise.all(
    targets.map(async (t) => {
      try {
        const driver = await deps.driver(t.driverType);
        const found = await deps.limiter(t.key).run(() =>
          driver.list({ resource: t.resource, infraId, credentials: t.credentials }, deps.ctx),
        );
        for (const o of found) if (o.exists) out.byInstance.set(o.labels.instance, o);
        out.listed.add(t.key);
      } catch (e) {
        const err = asReefError(e);
        out.errors.push({ key: t.key, endpoint: t.endpoint, code: err.code, message: err.message, error: err });
      }
    }),
  );
  return out;
}

export function endpointKeyOf(ref: ResourceRef): string {
  return `${ref.driver}|${ref.endpoint}`;
}

/** A cheap fingerprint of what matters in an observation, to send machines only what changed. */
export function observationKey(o: Observation): string {
  if (!o.exists) return 'absent';
  return `${o.phase}|${o.addresses.ip ?? ''}|${o.addresses.privateIp ?? ''}|${o.health ?? ''}|${o.reason ?? ''}`;
}
