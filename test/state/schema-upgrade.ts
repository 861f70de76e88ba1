/**
 * The schema checks both backends run (see schema-upgrade.test.ts): the migrations made from schema/history.ts
 * build, version by version, exactly what the hand-written SQL they replaced built, and a store written by a reef
 * of any earlier version (the frozen SQL in test/fixtures/schema) migrates to the schema of a new store, its data
 * kept. Schemas are compared as the engine reports them (helpers/schema-introspect.ts), not as SQL text.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SCHEMA_HISTORY } from '../../src/state/schema/history.js';
import type { Migration } from '../../src/state/schema/types.js';
import type { Store } from '../../src/state/store.js';
import { instance, node, spec } from './fixtures.js';

const frozen = JSON.parse(readFileSync(new URL('../fixtures/schema/migrations-before-generator.json', import.meta.url), 'utf8')) as {
  sqlite: Migration[];
  postgres: Migration[];
};
export const LEGACY_MIGRATIONS = { sqlite: frozen.sqlite, postgres: frozen.postgres } as const;

export type Row = Record<string, unknown>;

export interface SchemaBackend {
  /** the migrations this backend shipped, hand-written, before they were generated */
  readonly legacy: readonly Migration[];
  /** this reef's */
  readonly current: readonly Migration[];
  /** an empty database of its own */
  create(): Promise<{ where: string; drop: () => Promise<void> }>;
  /** reef's own migration runner, with these migrations (this reef's when omitted) */
  migrate(where: string, migrations?: readonly Migration[]): Promise<void>;
  introspect(where: string): Promise<unknown>;
  /** the schema of a new store made by this reef */
  freshSchema(): Promise<unknown>;
  open(where: string): Promise<Store>;
  columns(where: string, table: string): Promise<string[]>;
  rows(where: string, table: string): Promise<Row[]>;
  insert(where: string, table: string, row: Row): Promise<void>;
}

async function withDatabase<T>(b: SchemaBackend, f: (where: string) => Promise<T>): Promise<T> {
  const db = await b.create();
  try {
    return await f(db.where);
  } finally {
    await db.drop();
  }
}

export function schemaUpgradeSuite(backend: () => SchemaBackend): void {
  it('keeps the versions, their names and their count', () => {
    const b = backend();
    expect(b.current.map((m) => [m.version, m.name])).toEqual(b.legacy.map((m) => [m.version, m.name]));
    expect(b.current.map((m) => [m.version, m.name])).toEqual(SCHEMA_HISTORY.map((v) => [v.version, v.name]));
  });

  it('builds at every version exactly the schema the hand-written SQL built', async () => {
    const b = backend();
    for (let k = 1; k <= b.legacy.length; k++) {
      const handWritten = await withDatabase(b, async (where) => { await b.migrate(where, b.legacy.slice(0, k)); return b.introspect(where); });
      const generated = await withDatabase(b, async (where) => { await b.migrate(where, b.current.slice(0, k)); return b.introspect(where); });
      expect(generated, `version ${k}`).toEqual(handWritten);
    }
  });

  it('brings a store written at any earlier version to the schema of a new store', async () => {
    const b = backend();
    const fresh = await b.freshSchema();
    for (let k = 0; k <= b.legacy.length; k++) {
      const upgraded = await withDatabase(b, async (where) => {
        if (k > 0) await b.migrate(where, b.legacy.slice(0, k));
        await b.migrate(where);
        return b.introspect(where);
      });
      expect(upgraded, `from version ${k}`).toEqual(fresh);
    }
  });

  it('keeps the data of a version 1 store, whose leases then get epochs and whose events go on', async () => {
    const b = backend();
    await withDatabase(b, async (donorAt) => withDatabase(b, async (oldAt) => {
      // rows as reef writes them, copied into a store made by the version 1 SQL (the columns it has)
      const donor = await b.open(donorAt);
      try {
        await donor.putInfra(spec([node('worker', 1, 3)]), { now: 5 });
        await donor.insertInstance(instance('i1', { state: 'ready', readyAt: 2000, addresses: { privateIp: '10.0.0.2' } }));
        await donor.appendEvents([{ time: 1, infra: 'demo', kind: 'k', message: 'one' }, { time: 2, infra: 'demo', node: 'worker', kind: 'k', message: 'two', data: { n: 2 } }]);
        await donor.putNodeDefs({ worker_type: [{ resource: { type: 'dummy', endpoint: 'local' } }] }, 7);
        expect(await donor.acquireLease('demo', 'old-reef', 60_000, 1000)).toBe(true);
      } finally {
        await donor.close();
      }
      await b.migrate(oldAt, b.legacy.slice(0, 1));
      for (const step of SCHEMA_HISTORY[0].steps) {
        if (step.kind !== 'createTable') continue;
        const cols = await b.columns(oldAt, step.table.name);
        const given = step.table.columns.filter((c) => c.type === 'serial').map((c) => c.name); // the database numbers them
        for (const row of await b.rows(donorAt, step.table.name)) {
          await b.insert(oldAt, step.table.name, Object.fromEntries(cols.filter((c) => !given.includes(c)).map((c) => [c, row[c]])));
        }
      }

      const [want, got] = [await b.open(donorAt), await b.open(oldAt)];
      try {
        for (const read of [
          (s: Store) => s.getInfra('demo'), (s: Store) => s.getNodes('demo'), (s: Store) => s.listInstances('demo'),
          (s: Store) => s.listEvents({}), (s: Store) => s.getNodeDefs(), (s: Store) => s.getLease('demo'),
        ]) expect(await read(got)).toEqual(await read(want));
        expect(await got.listLeases()).toEqual([{ infraId: 'demo', holder: 'old-reef', expiresAt: 61_000, epoch: 0 }]);
        expect((await got.takeLease('other', 'new-reef', 1000, 0))?.epoch).toBe(1);
        expect((await got.takeLease('demo', 'new-reef', 1000, 70_000))?.epoch).toBe(2);
        await got.appendEvents([{ time: 3, infra: 'demo', kind: 'k', message: 'three' }]);
        expect((await got.listEvents({})).map((e) => [e.seq, e.message])).toEqual([[1, 'one'], [2, 'two'], [3, 'three']]);
      } finally {
        await want.close();
        await got.close();
      }
    }));
  });
}
