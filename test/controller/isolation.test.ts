/**
 * `reef serve` reconciles each infra on its own: one that cannot be reconciled (its auth file cannot be read, its
 * stored row is broken) is reported on that infra alone, once, and backs off; the infras after it converge, and no
 * lease is held without a runtime behind it. Fixing the broken one heals it without a restart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { harness, FAST, type Harness } from '../helpers/harness.js';
import { infraSpec, node } from '../helpers/spec.js';
import { createController, type Controller } from '../../src/controller/controller.js';
import { loadAuthFile } from '../../src/schemas/index.js';
import { silentLogger } from '../../src/util/log.js';
import { infraSummaries } from '../../src/ops/index.js';
import { infrasTable } from '../../src/cli/render.js';

let h: Harness;
let server: Controller | undefined;
beforeEach(async () => { h = harness({ simulated: true }); await h.ready(); });
afterEach(async () => { await server?.stop(); server = undefined; await h.close(); });

const OPTIONS = { ...FAST, requeue: { baseMs: 20, maxMs: 200 } };
const ready = async (id: string) => (await h.store.listInstances(id)).filter((i) => i.state === 'ready').length;
const until = (what: string, pred: () => Promise<boolean> | boolean, ms = 10_000) => h.until(what, pred, ms);
const serve = async () => {
  server = createController({ store: h.store, registry: h.registry, log: silentLogger(), clock: h.clock, options: OPTIONS, loadAuth: loadAuthFile });
  await server.serve();
  return server;
};

describe('per-infra isolation in reef serve', () => {
  it('an infra whose auth file cannot be read is reported once; the infras after it converge; it heals when the file appears', async () => {
    const authPath = join(h.dir, 'auth-not-yet.yaml');
    await h.store.putInfra(infraSpec('iso-a', [node('w', { min: 2 })]));
    await h.store.putInfra(infraSpec('iso-b', [node('w', { min: 2 })]), { authPath });
    await h.store.putInfra(infraSpec('iso-c', [node('w', { min: 2 })]));
    const c = await serve();

    await until('iso-a and iso-c ready', async () => (await ready('iso-a')) === 2 && (await ready('iso-c')) === 2);
    expect(h.cloud.count('iso-a')).toBe(2);
    expect(h.cloud.count('iso-c')).toBe(2);
    // the broken one: its runtime holds the lease and says why it cannot go on, in its status and once in the log
    await until('iso-b reports its problem', () => (c.statusOf('iso-b')?.errors ?? []).length > 0);
    expect(c.statusOf('iso-b')!.errors).toEqual([{ endpoint: 'reconcile', code: expect.any(String), message: expect.stringContaining('auth-not-yet.yaml') }]);
    expect((await h.store.getLease('iso-b'))?.holder).toBe(c.holder);
    await h.advance(1000); // several backoff rounds (20 ms doubling to 200 ms)
    const errors = (await h.store.listEvents({ infra: 'iso-b' })).filter((e) => e.kind === 'infra.error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain('auth-not-yet.yaml');
    expect(h.cloud.count('iso-b')).toBe(0);

    writeFileSync(authPath, 'resource: []\n');
    await until('iso-b heals', async () => (await ready('iso-b')) === 2);
    expect(c.statusOf('iso-b')!.errors).toEqual([]);
    expect((await h.store.listEvents({ infra: 'iso-b' })).map((e) => e.kind)).toContain('infra.recovered');
  });

  it('an infra whose stored row is broken holds no lease; the infras after it converge; a re-apply heals it', async () => {
    await h.store.putInfra(infraSpec('row-a', [node('w')]));
    await h.store.putInfra(infraSpec('row-b', [node('w')]));
    await h.store.putInfra(infraSpec('row-c', [node('w')]));
    const db = (h.store as unknown as { db: Database.Database }).db;
    db.prepare(`UPDATE infras SET spec_json = '{"id":"row-b","nodes":null}' WHERE id = 'row-b'`).run();
    const c = await serve();

    await until('row-a and row-c ready', async () => (await ready('row-a')) === 1 && (await ready('row-c')) === 1);
    await h.advance(300); // a few discovery rounds
    expect(await h.store.getLease('row-b')).toBeUndefined();
    expect(c.statusOf('row-b')).toBeUndefined();

    await h.store.putInfra(infraSpec('row-b', [node('w')]));
    await until('row-b heals', async () => (await ready('row-b')) === 1);
    expect((await h.store.getLease('row-b'))?.holder).toBe(c.holder);
  });

  it('a row whose JSON does not parse (infra spec, instance snapshot) stops only its own infra; status lists every infra and names the broken ones', async () => {
    for (const id of ['js-a', 'js-b', 'js-c', 'js-d']) await h.store.putInfra(infraSpec(id, [node('w')]));
    await h.store.insertInstances([{
      id: 'w-stale', infraId: 'js-d', node: 'w', implIndex: 0, driver: 'dummy', endpoint: 'default', ref: null, state: 'pending',
      machineVersion: 1, addresses: {}, attempts: 0, lastError: null, destroyReason: null, generation: 1, createdAt: 1, updatedAt: 1, readyAt: null,
    }]);
    const db = (h.store as unknown as { db: Database.Database }).db;
    db.prepare(`UPDATE infras SET spec_json = '{"id":"js-b","nodes":[' WHERE id = 'js-b'`).run();
    db.prepare(`UPDATE instances SET snapshot_json = '{"value":' WHERE id = 'w-stale'`).run();
    const c = await serve();

    await until('js-a and js-c ready', async () => (await ready('js-a')) === 1 && (await ready('js-c')) === 1);
    await h.advance(300); // a few discovery rounds
    for (const id of ['js-b', 'js-d']) {
      expect(await h.store.getLease(id)).toBeUndefined();
      expect(c.statusOf(id)).toBeUndefined();
      expect(h.cloud.count(id)).toBe(0);
    }
    const list = await infraSummaries(h.store);
    expect(list.map((i) => [i.id, i.broken ?? 'ok'])).toEqual([
      ['js-a', 'ok'],
      ['js-b', expect.stringMatching(/^infra js-b: stored column spec_json is not valid JSON/)],
      ['js-c', 'ok'],
      ['js-d', expect.stringMatching(/^infra js-d, instance w-stale: stored column snapshot_json is not valid JSON/)],
    ]);
    expect(list.find((i) => i.id === 'js-a')).toMatchObject({ ready: 1, total: 1 });
    const table = infrasTable(list);
    expect(table).toMatch(/js-b\s+BROKEN/);
    expect(table).toContain('js-b is broken: infra js-b: stored column spec_json is not valid JSON');
    expect(table).toMatch(/js-a\s+active\s+1\s+1\/1/);

    await h.store.putInfra(infraSpec('js-b', [node('w')]));
    await until('js-b heals after a re-apply', async () => (await ready('js-b')) === 1);
  });
});
