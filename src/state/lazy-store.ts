/**
 * A Store whose backend module loads on first use: opening PostgreSQL imports the pg client only when a command
 * really uses a postgres:// store, so commands on SQLite (and --help) never load it. Every Store method is async
 * (it waits for the load) except watch(), which subscribes as soon as the store is there.
 */
import type { Store, StoreChange } from './store.js';

export function lazyStore(load: () => Promise<Store>): Store {
  const loading = load();
  loading.catch(() => {}); // surfaces at the first call
  const watch = (fn: (c: StoreChange) => void) => {
    let stop: (() => void) | undefined;
    let stopped = false;
    void loading.then((s) => {
      if (!stopped) stop = s.watch?.(fn);
    }, () => {});
    return () => {
      stopped = true;
      stop?.();
    };
  };
  return new Proxy({} as Store, {
    get(_, name) {
      if (name === 'watch') return watch;
      if (typeof name !== 'string' || name === 'then') return undefined; // not a thenable
      return async (...args: unknown[]) => {
        const store = (await loading) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
        return store[name](...args);
      };
    },
  });
}
