import { describe, expect, it, vi } from 'vitest';
import { lazyStore } from './lazy-store.js';
import type { Store, StoreChange } from './store.js';

describe('lazyStore', () => {
  it('loads the backend on creation, forwards calls once it is there, and is not a thenable', async () => {
    let resolveLoad!: (s: Store) => void;
    const load = vi.fn(() => new Promise<Store>((r) => (resolveLoad = r)));
    const store = lazyStore(load);
    expect(load).toHaveBeenCalledTimes(1);
    expect((store as unknown as { then?: unknown }).then).toBeUndefined();
    const pending = store.getInfra('x');
    const backend = { getInfra: vi.fn(async (id: string) => ({ id })) } as unknown as Store;
    resolveLoad(backend);
    expect(await pending).toEqual({ id: 'x' });
  });

  it('rejects every call with the load error', async () => {
    const store = lazyStore(async () => { throw new Error('cannot load pg'); });
    await expect(store.listInfras()).rejects.toThrow('cannot load pg');
    await expect(store.close()).rejects.toThrow('cannot load pg');
  });

  it('watch() subscribes once loaded, and an unsubscribe before the load means no subscription', async () => {
    const fns: Array<(c: StoreChange) => void> = [];
    const unsub = vi.fn();
    const backend = { watch: (fn: (c: StoreChange) => void) => { fns.push(fn); return unsub; } } as unknown as Store;
    const early = lazyStore(async () => backend);
    early.watch!(() => {})();
    const store = lazyStore(async () => backend);
    const stop = store.watch!(() => {});
    await new Promise((r) => setImmediate(r));
    expect(fns).toHaveLength(1);
    stop();
    expect(unsub).toHaveBeenCalledTimes(1);
  });
});
