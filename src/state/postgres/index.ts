export { PostgresStore } from './store.js';
export { openPostgresStore, createPostgresStore, isPostgresUrl, schemaVersionPg } from './open.js';
export { PG_MIGRATIONS } from './migrations.js';
export { redactUrl } from './errors.js';
