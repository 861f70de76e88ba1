/** SQLite: every integer is INTEGER (64-bit), JSON is TEXT; a counter is a one-row table (see sqlite/store.ts takeLease). */
import type { Dialect } from './render.js';

export const SQLITE_DIALECT: Dialect = {
  name: 'sqlite',
  types: { text: 'TEXT', int: 'INTEGER', bigint: 'INTEGER', time: 'INTEGER', json: 'TEXT' },
  // AUTOINCREMENT: a seq is never reused, even after the newest events were deleted
  serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  counter: (name) => [
    `CREATE TABLE ${name} (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)`,
    `INSERT INTO ${name} (id, value) VALUES (1, 0)`,
  ],
};
