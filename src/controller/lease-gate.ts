/**
 * Drivers as an infra's runtime sees them: a call that changes a cloud (create, destroy) is refused while the
 * infra's lease cannot be trusted (see HeldLease), so a replica that wakes from a pause after losing its lease
 * does not act; reads (list, observe, health) still run. The refusal is transient: if the lease is renewed
 * with the same epoch the machine retries; if it was lost, the runtime is stopped before that.
 */
import type { Driver } from '../reconcilers/driver.js';
import type { DriverRegistry } from '../reconcilers/registry.js';
import { TransientError } from '../reconcilers/errors.js';
import type { HeldLease } from './held-lease.js';

export const LEASE_UNTRUSTED = 'REEF_LEASE_UNTRUSTED';

export function gateDriver(driver: Driver, lease: HeldLease, onRefused: () => void): Driver {
  const check = (what: string) => {
    if (lease.canAct()) return;
    onRefused();
    throw new TransientError(LEASE_UNTRUSTED, `not ${what} on infra ${lease.fence.infraId}: its lease (epoch ${lease.fence.epoch}) is not confirmed`);
  };
  return new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'create' || prop === 'destroy') {
        return (...args: unknown[]) => {
          check(prop === 'create' ? 'creating' : 'destroying');
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The registry with every driver it hands out gated by `lease`; the drivers themselves stay shared. */
export function gateRegistry(registry: DriverRegistry, lease: HeldLease, onRefused: () => void): DriverRegistry {
  const gated = new Map<string, Promise<Driver>>();
  return new Proxy(registry, {
    get(target, prop, receiver) {
      if (prop === 'get') {
        return (type: string) => {
          let d = gated.get(type);
          if (!d) gated.set(type, (d = target.get(type).then((driver) => gateDriver(driver, lease, onRefused))));
          return d;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
