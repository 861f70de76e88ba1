/**
 * The PostgreSQL schema: the same versioned migrations as the SQLite store (same versions, names, tables and
 * columns; state/postgres/migrations.test.ts holds them side by side), in PostgreSQL's dialect. Times are BIGINT
 * milliseconds, JSON is TEXT (the same row mapping as SQLite). The applied version lives in reef_schema.
 */
import type { Migration } from '../sqlite/migrations.js';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE infras (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        spec_json   TEXT NOT NULL,
        spec_hash   TEXT NOT NULL,
        generation  INTEGER NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('active', 'destroying', 'destroyed')),
        auth_path   TEXT,
        created_at  BIGINT NOT NULL,
        updated_at  BIGINT NOT NULL
      );
      CREATE TABLE nodes (
        infra_id      TEXT NOT NULL REFERENCES infras(id) ON DELETE CASCADE,
        name          TEXT NOT NULL,
        position      INTEGER NOT NULL,
        min           INTEGER NOT NULL,
        max           INTEGER NOT NULL,
        target        INTEGER NOT NULL,
        failed_reason TEXT,
        PRIMARY KEY (infra_id, name)
      );
      CREATE TABLE instances (
        id              TEXT PRIMARY KEY,
        infra_id        TEXT NOT NULL REFERENCES infras(id) ON DELETE CASCADE,
        node            TEXT NOT NULL,
        impl_index      INTEGER NOT NULL,
        driver          TEXT NOT NULL,
        endpoint        TEXT NOT NULL,
        ref_json        TEXT,
        state           TEXT NOT NULL,
        snapshot_json   TEXT,
        machine_version INTEGER NOT NULL,
        addresses_json  TEXT NOT NULL,
        attempts        INTEGER NOT NULL,
        last_error_json TEXT,
        destroy_reason  TEXT,
        generation      INTEGER NOT NULL,
        created_at      BIGINT NOT NULL,
        updated_at      BIGINT NOT NULL,
        ready_at        BIGINT
      );
      CREATE INDEX instances_by_infra ON instances (infra_id);
      CREATE INDEX instances_by_infra_node ON instances (infra_id, node);
      CREATE TABLE events (
        seq        BIGSERIAL PRIMARY KEY,
        time       BIGINT NOT NULL,
        infra      TEXT NOT NULL,
        node       TEXT,
        instance   TEXT,
        kind       TEXT NOT NULL,
        from_state TEXT,
        to_state   TEXT,
        message    TEXT NOT NULL,
        data_json  TEXT
      );
      CREATE INDEX events_by_infra ON events (infra, seq);
      CREATE TABLE nodedefs (
        type                 TEXT PRIMARY KEY,
        implementations_json TEXT NOT NULL,
        imported_at          BIGINT NOT NULL
      );
      CREATE TABLE leases (
        infra_id   TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'fenced_leases',
    // a sequence instead of SQLite's one-row counter: epochs never repeat, and takers do not queue on one row.
    sql: `
      ALTER TABLE leases ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
      CREATE SEQUENCE lease_epochs;
      CREATE TABLE lease_audit (
        infra_id TEXT NOT NULL,
        epoch    BIGINT NOT NULL,
        holder   TEXT NOT NULL,
        writes   INTEGER NOT NULL,
        first_at BIGINT NOT NULL,
        last_at  BIGINT NOT NULL,
        PRIMARY KEY (infra_id, epoch, holder)
      );
      CREATE TABLE replicas (
        id         TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
    `,
  },
];
