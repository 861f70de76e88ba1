/**
 * The schema, as an ordered list of migrations. Never edit or reorder a migration that has shipped: add a new one
 * with the next version. The applied version lives in SQLite's `user_version` pragma (see migrate.ts).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
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
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );

      -- position keeps the spec's (topological) node order for getNodes().
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

      -- No FK to nodes: a node removed from the spec keeps its instances until the controller destroys them.
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
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        ready_at        INTEGER
      );
      CREATE INDEX instances_by_infra ON instances (infra_id);
      CREATE INDEX instances_by_infra_node ON instances (infra_id, node);

      -- Events outlive their infra (no FK): the log is the history.
      CREATE TABLE events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        time       INTEGER NOT NULL,
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
        imported_at          INTEGER NOT NULL
      );

      -- Leases may exist before their infra row (the controller may take one first), so no FK.
      CREATE TABLE leases (
        infra_id   TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'fenced_leases',
    // epochs come from one counter so they never repeat for an infra, even after a release deleted its row.
    sql: `
      ALTER TABLE leases ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE lease_epochs (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
      INSERT INTO lease_epochs (id, value) VALUES (1, 0);
      CREATE TABLE lease_audit (
        infra_id TEXT NOT NULL,
        epoch    INTEGER NOT NULL,
        holder   TEXT NOT NULL,
        writes   INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        last_at  INTEGER NOT NULL,
        PRIMARY KEY (infra_id, epoch, holder)
      );
      CREATE TABLE replicas (
        id         TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );
    `,
  },
];

/** The schema version this build of reef writes. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
