/**
 * Review D9 at the store: the SQLite store refuses writes (and does not acknowledge one that committed into a
 * deleted file) once its file is gone or replaced; the PostgreSQL store's health follows its connection, cut by
 * a TCP proxy on 127.0.0.1 between reef and the test server.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, renameSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import { createPostgresStore } from '../../src/state/postgres/index.js';
import { NO_PG, freshDatabase } from '../helpers/pg.js';

const NODEDEFS = { t: [{ resource: { type: 'dummy' } }] } as never;

describe('D9: the SQLite store knows when its file is gone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reef-sec-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('deleted: health says so and every write is refused with REEF_STATE_GONE', async () => {
    const store = openSqliteStore(join(dir, 'a.db'));
    await store.putNodeDefs(NODEDEFS);
    expect(await store.health()).toEqual({ ok: true });
    rmSync(join(dir, 'a.db'));
    expect(await store.health()).toMatchObject({ ok: false, code: 'REEF_STATE_GONE' });
    await expect(store.putNodeDefs(NODEDEFS)).rejects.toMatchObject({ code: 'REEF_STATE_GONE', transient: true });
    await expect(store.heartbeat('me', 1000, Date.now())).rejects.toMatchObject({ code: 'REEF_STATE_GONE' });
    expect(Object.keys(await store.getNodeDefs())).toEqual(['t']); // reads still answer from what is open
    await store.close();
  });

  it('replaced by another file: refused, and stays refused', async () => {
    const path = join(dir, 'b.db');
    const store = openSqliteStore(path);
    await store.putNodeDefs(NODEDEFS);
    copyFileSync(path, join(dir, 'copy.db'));
    renameSync(join(dir, 'copy.db'), path);
    expect(await store.health()).toMatchObject({ ok: false, code: 'REEF_STATE_GONE', message: expect.stringMatching(/replaced by another file/) });
    await expect(store.putNodeDefs(NODEDEFS)).rejects.toMatchObject({ code: 'REEF_STATE_GONE' });
    await store.close();
  });
});

/** A TCP proxy to the test server that can be cut (every socket destroyed, no longer listening) and restored. */
async function cuttableProxy(target: URL): Promise<{ port: number; cut: () => Promise<void>; restore: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () => new Promise<void>((resolve) => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  await listen();
  return {
    port,
    cut: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: listen,
  };
}

describe.skipIf(NO_PG)('D9: the PostgreSQL store\'s health follows its connection', () => {
  it('a lost connection is unhealthy (REEF_STATE_UNREACHABLE); back again, healthy', async () => {
    const db = await freshDatabase('reef_sec_health');
    const url = new URL(db.url);
    const proxy = await cuttableProxy(url);
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const store = createPostgresStore(viaProxy.toString());
    try {
      await store.opened();
      expect(await store.health()).toEqual({ ok: true });
      await proxy.cut();
      const t0 = Date.now();
      const down = await store.health();
      expect(down).toMatchObject({ ok: false, code: 'REEF_STATE_UNREACHABLE' });
      expect(Date.now() - t0).toBeLessThan(5000);
      await proxy.restore();
      expect(await store.health()).toEqual({ ok: true });
    } finally {
      await store.close();
      await proxy.cut();
      await db.drop();
    }
  }, 30_000);
});
