/** The schema history's checks and its rendering per dialect (pure; what the databases make of it: schema-upgrade.test.ts). */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_HISTORY } from '../../src/state/schema/history.js';
import { POSTGRES_DIALECT } from '../../src/state/schema/postgres-dialect.js';
import { renderMigrations } from '../../src/state/schema/render.js';
import { SQLITE_DIALECT } from '../../src/state/schema/sqlite-dialect.js';
import type { SchemaVersion, Step, Table } from '../../src/state/schema/types.js';
import { assertValidHistory } from '../../src/state/schema/validate.js';

const things: Table = {
  name: 'things',
  columns: [{ name: 'id', type: 'text' }, { name: 'size', type: 'int' }, { name: 'note', type: 'text', nullable: true }],
  primaryKey: ['id'],
};
const history = (...later: Step[]): SchemaVersion[] => [
  { version: 1, name: 'initial', steps: [{ kind: 'createTable', table: things }] },
  ...(later.length ? [{ version: 2, name: 'later', steps: later }] : []),
];

describe('the schema history', () => {
  it('is valid as shipped, and renders one migration per version on each backend', () => {
    expect(() => assertValidHistory(SCHEMA_HISTORY)).not.toThrow();
    for (const d of [SQLITE_DIALECT, POSTGRES_DIALECT]) {
      expect(renderMigrations(SCHEMA_HISTORY, d).map((m) => m.version)).toEqual(SCHEMA_HISTORY.map((v) => v.version));
    }
  });

  it.each<[string, SchemaVersion[], RegExp]>([
    ['a gap in the versions', [history()[0], { version: 3, name: 'gap', steps: [] }], /version gap is numbered 3, expected 2/],
    ['a table made twice', history({ kind: 'createTable', table: things }), /version 2 \(later\), step 1 \(createTable\): name things is already taken/],
    ['an index on a missing column', history({ kind: 'createIndex', name: 'by_x', table: 'things', columns: ['x'] }), /step 1 \(createIndex\): index by_x: column x is not in table things/],
    ['an index on a missing table', history({ kind: 'createIndex', name: 'by_x', table: 'nope', columns: ['id'] }), /index by_x: no table nope/],
    ['an added NOT NULL column without default', history({ kind: 'addColumn', table: 'things', column: { name: 'y', type: 'int' } }), /column y: NOT NULL needs a default/],
    ['an added column that exists', history({ kind: 'addColumn', table: 'things', column: { name: 'size', type: 'int', default: 0 } }), /already has column size/],
    ['a default of the wrong type', history({ kind: 'addColumn', table: 'things', column: { name: 'y', type: 'time', default: 'now' } }), /default "now" does not fit type time/],
    ['a foreign key to a missing column', history({ kind: 'createTable', table: { name: 'parts', columns: [{ name: 'thing', type: 'text', references: { table: 'things', column: 'uid', onDelete: 'cascade' } }], primaryKey: ['thing'] } }), /references things\.uid, which does not exist/],
    ['a serial column that is not the key', history({ kind: 'createTable', table: { name: 'log', columns: [{ name: 'seq', type: 'serial' }, { name: 'k', type: 'text' }], primaryKey: ['k'] } }), /serial column seq must be the whole primary key/],
    ['a primary key that is not a column', history({ kind: 'createTable', table: { name: 'log', columns: [{ name: 'k', type: 'text' }], primaryKey: ['id'] } }), /primary key column id is not a column/],
    ['a counter named like a table', history({ kind: 'createCounter', name: 'things' }), /name things is already taken/],
    ['a name that needs quoting', history({ kind: 'createCounter', name: 'Lease Epochs' }), /name "Lease Epochs" is not lower_snake_case/],
    ['a data step without its reason', history({ kind: 'dialectSql', why: ' ', sqlite: 'SELECT 1', postgres: 'SELECT 1' }), /a data step says why it exists/],
    ['a data step for one backend only', history({ kind: 'dialectSql', why: 'backfill', sqlite: 'SELECT 1', postgres: '' }), /SQL for both sqlite and postgres/],
  ])('refuses %s, naming version, step and field', (_, bad, message) => {
    expect(() => assertValidHistory(bad)).toThrow(message);
    expect(() => renderMigrations(bad, SQLITE_DIALECT)).toThrow(message);
  });

  it('writes a counter as a one-row table on SQLite and a sequence on PostgreSQL', () => {
    const h = history({ kind: 'createCounter', name: 'ticket' });
    expect(renderMigrations(h, POSTGRES_DIALECT)[1].sql).toBe('CREATE SEQUENCE ticket;\n');
    const db = new Database(':memory:');
    for (const m of renderMigrations(h, SQLITE_DIALECT)) db.exec(m.sql);
    expect(db.prepare('SELECT * FROM ticket').all()).toEqual([{ id: 1, value: 0 }]);
    expect(() => db.prepare('INSERT INTO ticket (id, value) VALUES (2, 0)').run()).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('passes a data step through in each backend\'s own SQL, marked as such', () => {
    const backfill: Step = { kind: 'dialectSql', why: 'notes of old things say so', sqlite: "UPDATE things SET note = 'old' || size;", postgres: "UPDATE things SET note = 'old' || size::text" };
    const h = history({ kind: 'addColumn', table: 'things', column: { name: 'size2', type: 'bigint', default: 0 } }, backfill);
    expect(renderMigrations(h, POSTGRES_DIALECT)[1].sql).toBe(
      "ALTER TABLE things ADD COLUMN size2 BIGINT NOT NULL DEFAULT 0;\n-- data step (not schema): notes of old things say so\nUPDATE things SET note = 'old' || size::text;\n");
    const [v1, v2] = renderMigrations(h, SQLITE_DIALECT);
    const db = new Database(':memory:');
    db.exec(v1.sql);
    db.prepare("INSERT INTO things (id, size) VALUES ('a', 3)").run();
    db.exec(v2.sql);
    expect(db.prepare('SELECT * FROM things').all()).toEqual([{ id: 'a', size: 3, note: 'old3', size2: 0 }]);
    db.close();
  });

  it('renders types, keys, checks, defaults and foreign keys per dialect', () => {
    const parts: Table = {
      name: 'parts',
      columns: [
        { name: 'thing', type: 'text', references: { table: 'things', column: 'id', onDelete: 'cascade' } },
        { name: 'n', type: 'int' }, { name: 'at', type: 'time', nullable: true }, { name: 'body', type: 'json' },
        { name: 'kind', type: 'text', oneOf: ['a', "b'c"] },
      ],
      primaryKey: ['thing', 'n'],
    };
    const h = history({ kind: 'createTable', table: parts }, { kind: 'createIndex', name: 'parts_by_kind', table: 'parts', columns: ['kind', 'n'] });
    const body = (type: string) =>
      'CREATE TABLE parts (\n  thing TEXT NOT NULL REFERENCES things(id) ON DELETE CASCADE,\n  n INTEGER NOT NULL,\n' +
      `  at ${type},\n  body TEXT NOT NULL,\n  kind TEXT NOT NULL CHECK (kind IN ('a', 'b''c')),\n  PRIMARY KEY (thing, n)\n);\n` +
      'CREATE INDEX parts_by_kind ON parts (kind, n);\n';
    expect(renderMigrations(h, SQLITE_DIALECT)[1].sql).toBe(body('INTEGER'));
    expect(renderMigrations(h, POSTGRES_DIALECT)[1].sql).toBe(body('BIGINT'));
  });
});
