/**
 * PostgreSQL: times and epochs are BIGINT, JSON is TEXT (the same row mapping as SQLite). A counter is a sequence:
 * takers do not queue on one row, as they would on SQLite's one-row table.
 */
import type { Dialect } from './render.js';

export const POSTGRES_DIALECT: Dialect = {
  name: 'postgres',
  types: { text: 'TEXT', int: 'INTEGER', bigint: 'BIGINT', time: 'BIGINT', json: 'TEXT' },
  serialKey: 'BIGSERIAL PRIMARY KEY',
  counter: (name) => [`CREATE SEQUENCE ${name}`],
};
