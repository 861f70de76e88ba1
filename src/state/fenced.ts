/**
 * A Store whose controller writes for one infra all carry the same Fence. A controller hands this view to the
 * runtime of an infra it holds the lease of, so nothing in the reconcile path can write unfenced; reads and
 * the desired-state writes (apply, scale) pass through unchanged.
 */
import { FatalError, isReefError } from '../errors/index.js';
import { LEASE_LOST, STORE_UNAVAILABLE, type Fence, type Store } from './store.js';

export function leaseLost(fence: Fence, why: string): FatalError {
  return new FatalError(LEASE_LOST, `lease of infra ${fence.infraId} (epoch ${fence.epoch}, holder ${fence.holder}) ${why}: write refused`);
}

export function isLeaseLost(e: unknown): boolean {
  return isReefError(e) && e.code === LEASE_LOST;
}

/** A write refused because the store cannot keep it (deleted, read-only, not answering): stop acting as for a lost lease. */
export function isStoreUnavailable(e: unknown): boolean {
  return isReefError(e) && STORE_UNAVAILABLE.has(e.code);
}

export function fencedView(store: Store, fence: Fence, onLost?: (e: unknown) => void): Store {
  const guard = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (isLeaseLost(e) || isStoreUnavailable(e)) onLost?.(e);
      throw e;
    });
  const overrides: Partial<Store> = {
    setInfraStatus: (id: string, status: Parameters<Store['setInfraStatus']>[1], now?: number) => guard(store.setInfraStatus(id, status, now, fence)),
    setNodeFailed: (infraId: string, node: string, reason: string | null) => guard(store.setNodeFailed(infraId, node, reason, fence)),
    insertInstance: (rec: Parameters<Store['insertInstance']>[0]) => guard(store.insertInstance(rec, fence)),
    insertInstances: (recs: Parameters<Store['insertInstances']>[0]) => guard(store.insertInstances(recs, fence)),
    updateInstance: (id: string, patch: Parameters<Store['updateInstance']>[1]) => guard(store.updateInstance(id, patch, fence)),
    writeInstances: (updates: Parameters<Store['writeInstances']>[0]) => guard(store.writeInstances(updates, fence)),
    deleteInstance: (id: string) => guard(store.deleteInstance(id, fence)),
    appendEvents: (events: Parameters<Store['appendEvents']>[0]) => guard(store.appendEvents(events, fence)),
    writeBatch: (batch: Parameters<Store['writeBatch']>[0]) => guard(store.writeBatch(batch, fence)),
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop in overrides) return overrides[prop as keyof Store];
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
