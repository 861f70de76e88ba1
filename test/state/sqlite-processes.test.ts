/** Several connections and processes on one store file. */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/state/sqlite/index.js';
import { startChild } from './child.js';
import { instance, node, spec, tempDir } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let path: string;
let store: SqliteStore;
beforeEach(async () => {
  tmp = tempDir();
  path = join(tmp.dir, 'reef.db');
  store = openSqliteStore(path);
  await store.putInfra(spec([node('worker', 1, 100)], { id: 'a' }));
  await store.putInfra(spec([node('worker', 1, 100)], { id: 'b' }));
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

describe('two connections in one process', () => {
  it('interleave writes and each sees the other', async () => {
    const other = openSqliteStore(path);
    try {
      for (let i = 0; i < 50; i++) await store.insertInstance(instance(`a-${i}`, { infraId: 'a' }));
      for (let i = 0; i < 50; i++) await other.insertInstance(instance(`b-${i}`, { infraId: 'b' }));
      await Promise.all(Array.from({ length: 200 }, (_, i) => {
        const [s, tag] = i % 2 ? [store, 'a'] : [other, 'b'];
        return Promise.all([
          s.appendEvents([{ time: i, infra: tag, kind: 'test', message: String(i) }]),
          s.writeInstances([{ id: `${tag}-${i % 50}`, patch: { attempts: i } }]),
        ]);
      }));
      expect(await other.listEvents({ limit: 10_000 })).toHaveLength(200);
      expect((await store.getInstance('b-48'))?.attempts).toBe(198);
      expect((await other.getInstance('a-49'))?.attempts).toBe(199);
      expect(await other.acquireLease('a', 'other', 1000, 0)).toBe(true);
      expect(await store.acquireLease('a', 'store', 1000, 0)).toBe(false);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await other.close();
    }
  });
});

describe('a second process', () => {
  it('holds a lease while this process is refused, until it expires', async () => {
    const now = 1_000_000;
    const child = startChild(['hold-lease', path, 'a', 'child', '60000', String(now)]);
    expect(await child.next()).toEqual({ acquired: true });
    expect(await store.acquireLease('a', 'parent', 60_000, now + 1)).toBe(false);
    expect(await store.getLease('a')).toEqual({ infraId: 'a', holder: 'child', expiresAt: now + 60_000 });
    expect(await store.acquireLease('b', 'parent', 60_000, now + 1)).toBe(true); // other infras are free
    child.end();
    expect(await child.exited).toBe(0);
    expect(await store.acquireLease('a', 'parent', 60_000, now + 59_999)).toBe(false);
    expect(await store.acquireLease('a', 'parent', 60_000, now + 60_000)).toBe(true);
  });

  it('never lets both processes win the same lease when they race', async () => {
    const count = 1500;
    const child = startChild(['race-leases', path, 'child', String(count)]);
    expect(await child.next()).toBe('ready');
    child.send('go');
    const mine: number[] = [];
    for (let i = 0; i < count; i++) if (await store.acquireLease(`infra-${i}`, 'parent', 3_600_000, 0)) mine.push(i);
    const { won: theirs } = (await child.next()) as { won: number[] };
    console.log(`lease race: parent won ${mine.length}, child won ${theirs.length} of ${count}`);
    const both = mine.filter((i) => theirs.includes(i));
    expect(both).toEqual([]);
    expect(mine.length + theirs.length).toBe(count);
    for (const i of [...mine.slice(0, 20), ...theirs.slice(0, 20)]) {
      expect((await store.getLease(`infra-${i}`))?.holder).toBe(mine.includes(i) ? 'parent' : 'child');
    }
    expect(await child.exited).toBe(0);
  });

  it('writes concurrently with this process without losing or corrupting anything', async () => {
    const count = 1000;
    for (let i = 0; i < 50; i++) {
      await store.insertInstance(instance(`a-${i}`, { infraId: 'a' }));
      await store.insertInstance(instance(`b-${i}`, { infraId: 'b' }));
    }
    const child = startChild(['write', path, 'b', String(count)]);
    expect(await child.next()).toBe('ready');
    child.send('go');
    for (let i = 0; i < count; i++) {
      await store.appendEvents([{ time: i, infra: 'a', kind: 'test.write', message: `a ${i}` }]);
      await store.writeInstances([{ id: `a-${i % 50}`, patch: { attempts: i, updatedAt: i } }]);
    }
    expect(await child.next()).toEqual({ done: count });
    expect(await child.exited).toBe(0);
    const events = await store.listEvents({ limit: 10 * count });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 1));
    for (const tag of ['a', 'b']) {
      expect(events.filter((e) => e.infra === tag).map((e) => e.time)).toEqual(Array.from({ length: count }, (_, i) => i));
      expect((await store.getInstance(`${tag}-49`))?.attempts).toBe(count - 1);
    }
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses a write-protected file at open when not running as root', async () => {
    await store.close();
    chmodSync(path, 0o444);
    chmodSync(tmp.dir, 0o777);
    // root ignores file permissions, so open as nobody from a child process there.
    const asRoot = process.getuid?.() === 0;
    const child = startChild(['open', path], asRoot ? { uid: 65534, gid: 65534 } : {});
    const answer = (await child.next()) as { code: string; message: string };
    expect(answer.code).toBe('REEF_STATE_OPEN');
    expect(answer.message).toContain(path);
    expect(answer.message).toMatch(/not writable.*EACCES/);
    await child.exited;
    store = openSqliteStore(path); // root may still open it; afterEach closes it
  });
});
