/**
 * `--state` / REEF_STATE → a Store: a postgres:// (or postgresql://) URL selects the PostgreSQL backend, anything
 * else is the path of an SQLite file (the default, for one machine).
 */
import { resolve } from 'node:path';
import type { Logger } from '../util/log.js';
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite/index.js';
import { isPostgresUrl } from './postgres/url.js';
import { redactUrl } from './postgres/errors.js';
import { lazyStore } from './lazy-store.js';
import { isReadOnlyStore } from './sqlite/open.js';

export { isPostgresUrl };

export function openStore(location: string, opts: { log?: Logger } = {}): Store {
  return isPostgresUrl(location)
    ? lazyStore(async () => (await import('./postgres/index.js')).createPostgresStore(location, { log: opts.log }))
    : openSqliteStore(location, { log: opts.log });
}

/**
 * For commands that only read (status, logs, diff): an SQLite store this process cannot write (a read-only
 * mount, chattr, another user's folder) is opened read-only, with no migration and no lease or heartbeat writes.
 */
export function openStoreForReading(location: string, opts: { log?: Logger } = {}): Store {
  if (!isPostgresUrl(location) && isReadOnlyStore(location)) return openSqliteStore(location, { readonly: true });
  return openStore(location, opts);
}

/** How to name a store in messages: a path, or a URL without its password. */
export function describeStore(location: string): string {
  return isPostgresUrl(location) ? redactUrl(location) : resolve(location);
}
