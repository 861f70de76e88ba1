/**
 * Replicas sharing one PostgreSQL: each holds a share of the infras, a new one takes some over, a stopped one
 * hands its share back, changes made through any replica reach the holder (NOTIFY), events reach every
 * replica's watchers, and the lease audit never shows two holders in one epoch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/state/postgres/index.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import { createController, type Controller } from '../../src/controller/controller.js';
import { silentLogger } from '../../src/util/log.js';
import { openDummyCloud, type DummyCloud } from '../../src/reconcilers/dummy/index.js';
import type { StoreChange } from '../../src/state/store.js';
import { FAST } from '../helpers/harness.js';
import { infraSpec, node } from '../helpers/spec.js';
import { NO_PG, freshDatabase } from '../helpers/pg.js';

interface Replica { name: string; store: PostgresStore; registry: DriverRegistry; controller: Controller }

async function until(what: string, check: () => Promise<boolean> | boolean, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(NO_PG)('replicas on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  let cloud: DummyCloud;
  let admin: PostgresStore;
  const replicas: Replica[] = [];
  const log = silentLogger();
  const ids = Array.from({ length: 9 }, (_, i) => `rep-${i}`);

  async function startReplica(name: string): Promise<Replica> {
    const store = await openPostgresStore(db.url);
    const registry = new DriverRegistry(BUILTIN_DRIVERS, { stateDir: dir, log });
    const controller = createController({ store, registry, log, holder: name, options: { ...FAST, leaseTtlMs: 1500 } });
    await controller.serve();
    const r = { name, store, registry, controller };
    replicas.push(r);
    return r;
  }
  async function stopReplica(r: Replica): Promise<void> {
    await r.controller.stop();
    await r.registry.close();
    await r.store.close();
    replicas.splice(replicas.indexOf(r), 1);
  }
  const holders = async () => {
    const now = Date.now();
    const byHolder = new Map<string, number>();
    for (const l of await admin.listLeases()) if (l.expiresAt > now) byHolder.set(l.holder, (byHolder.get(l.holder) ?? 0) + 1);
    return byHolder;
  };

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'reef-replicas-'));
    cloud = openDummyCloud(dir, 'default');
    admin = await openPostgresStore(db.url);
    for (const id of ids) await admin.putInfra(infraSpec(id, [node('worker', { min: 2, max: 5 })]));
  });
  afterAll(async () => {
    for (const r of [...replicas]) await stopReplica(r);
    await admin?.close();
    cloud?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('split the infras, take some over when a replica joins, and take back a stopped one\'s share', async () => {
    const a = await startReplica('replica-a');
    await until('replica a holds all 9 and they converge', async () => (await holders()).get('replica-a') === 9 && cloud.count() === 18);
    const b = await startReplica('replica-b');
    await startReplica('replica-c');
    await until('three shares of 3', async () => {
      const h = await holders();
      return ['replica-a', 'replica-b', 'replica-c'].every((n) => h.get(n) === 3);
    });
    expect(a.controller.fencing.handedBack).toBe(6);

    // a scale written through replica b reaches whoever holds the infra, and its events reach b's watchers
    const seen: StoreChange[] = [];
    const off = b.store.watch((c) => seen.push(c));
    const heldByA = (await admin.listLeases()).find((l) => l.holder === 'replica-a')!.infraId;
    await new Promise((r) => setTimeout(r, 300)); // LISTEN in place
    await b.store.setTarget(heldByA, 'worker', 4);
    await until('the holder scaled it', () => cloud.count(heldByA) === 4);
    await until('b saw its events', () => seen.some((c) => c.kind === 'events' && c.infra === heldByA));
    off();

    await stopReplica(b);
    await until('b\'s share taken back by a and c', async () => {
      const h = await holders();
      return !h.has('replica-b') && (h.get('replica-a') ?? 0) + (h.get('replica-c') ?? 0) === 9;
    });
    expect(cloud.count()).toBe(20);
    const audit = await admin.listLeaseAudit();
    const perEpoch = new Map<string, Set<string>>();
    for (const r of audit) perEpoch.set(`${r.infraId}@${r.epoch}`, (perEpoch.get(`${r.infraId}@${r.epoch}`) ?? new Set()).add(r.holder));
    expect([...perEpoch.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(audit.map((r) => r.holder))).toEqual(new Set(['replica-a', 'replica-b', 'replica-c']));
  }, 90_000);
});
