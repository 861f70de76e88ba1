/**
 * A database's schema as the engine reports it, as plain data that two databases can be compared by: everything
 * that decides how reef's SQL behaves (tables, columns with types, nullability and defaults, keys, checks,
 * foreign keys with their actions, indexes, sequences and what owns them) plus every table's rows (a fresh store
 * holds only what migrations seeded). Names the engine makes up (constraints, sequences) are compared too.
 */
import type Database from 'better-sqlite3';
import pg from 'pg';

/** SQLite keeps each CREATE as it was written: compare the statements with white space folded. */
export function foldSql(sql: string | null): string | null {
  return sql && sql.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').replace(/ ,/g, ',').trim();
}

export function sqliteSchema(db: Database.Database): unknown {
  const objects = (db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all() as Array<{ type: string; name: string; sql: string | null }>)
    .map((o) => ({ ...o, sql: foldSql(o.sql) }));
  const pragma = (p: string, arg: string) => db.prepare(`SELECT * FROM pragma_${p}(?)`).all(arg);
  const tables = Object.fromEntries(objects.filter((o) => o.type === 'table').map((t) => [t.name, {
    columns: pragma('table_xinfo', t.name),
    indexes: (pragma('index_list', t.name) as Array<{ name: string }>).map((ix) => ({ ...ix, columns: pragma('index_xinfo', ix.name) })),
    foreignKeys: pragma('foreign_key_list', t.name),
    rows: db.prepare(`SELECT * FROM "${t.name}"`).all(),
  }]));
  return {
    userVersion: db.pragma('user_version', { simple: true }),
    tableList: db.prepare("SELECT * FROM pragma_table_list WHERE schema = 'main' ORDER BY name").all(),
    objects,
    tables,
  };
}

export async function pgSchema(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = async (sql: string) => (await client.query(sql)).rows;
  try {
    const relations = await q("SELECT relname, relkind::text, relpersistence::text FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname");
    const rows: Record<string, unknown[]> = {};
    for (const r of relations.filter((r) => r.relkind === 'r')) rows[r.relname] = await q(`SELECT * FROM "${r.relname}" ORDER BY 1`);
    return {
      relations,
      columns: await q(`SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default, is_identity, is_generated,
        character_maximum_length, numeric_precision FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`),
      constraints: await q(`SELECT conrelid::regclass::text AS table, conname, contype::text, pg_get_constraintdef(oid) AS def, condeferrable, convalidated
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`),
      indexes: await q("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname"),
      sequences: await q(`SELECT sequencename, data_type::text, start_value, min_value, max_value, increment_by, cycle, cache_size, last_value
        FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`),
      sequenceOwners: await q(`SELECT s.relname AS sequence, t.relname AS table, a.attname AS column FROM pg_class s
        JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S' AND s.relnamespace = 'public'::regnamespace ORDER BY 1`),
      rows,
    };
  } finally {
    await client.end();
  }
}
