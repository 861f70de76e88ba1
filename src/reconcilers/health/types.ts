/**
 * The health-check contract. A check never throws for an unhealthy target: it reports `ok: false` probes with a
 * detail a person can act on ("port 22 on 10.0.0.4: connection refused"). It throws only when ctx.signal aborts
 * (the caller left the state; a result would be meaningless). Every check bounds its own I/O with a timeout.
 */
import type { Addresses, CallContext, Probe } from '../driver.js';

export interface HealthCheckRequest<C> {
  target: Addresses;
  config: C;
}

export interface HealthCheck<C> {
  readonly kind: string;
  check(req: HealthCheckRequest<C>, ctx: CallContext): Promise<Probe[]>;
}

/** The address checks aim at: the public one when there is one (Occopus: first address of the resource). */
export function targetAddress(target: Addresses): string | undefined {
  return target.ip ?? target.privateIp;
}

export function noAddressProbe(name: string): Probe {
  return { name, ok: false, detail: `${name}: the instance has no address yet` };
}
