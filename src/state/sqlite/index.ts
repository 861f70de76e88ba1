export { SqliteStore, openSqliteStore, DEFAULT_EVENT_LIMIT } from './store.js';
export { MIGRATIONS, LATEST_VERSION, type Migration } from './migrations.js';
export { BUSY_TIMEOUT_MS, type OpenOptions } from './open.js';
