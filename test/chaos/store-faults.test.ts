/**
 * Chaos on reef's own store while it deploys: the store turns read-only, or its disk fills up. reef must say so
 * clearly (REEF_STATE_WRITE with SQLite's reason), corrupt nothing (integrity_check), and converge once the store
 * is writable again, with the store agreeing with the cloud.
 *
 * Read-only: `PRAGMA query_only` on reef's own connection (remounting a filesystem read-only is refused while
 * SQLite holds the file open for writing, and chmod does not affect an open file).
 * Disk full: a 2 MiB tmpfs holding only the store, filled up to its last byte; where mounting is not permitted,
 * `PRAGMA max_page_count` on reef's connection (the test logs which one it used).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { infraSpec, node } from '../helpers/spec.js';
import { storeEnv, type LogLine, type StoreEnv } from './store-env.js';

let env: StoreEnv | undefined;
let mounted: string | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
  if (mounted) {
    execFileSync('umount', ['-l', mounted]);
    rmSync(mounted, { recursive: true, force: true });
    mounted = undefined;
  }
});

const slowSpec = (id: string) =>
  infraSpec(id, [node('w', { min: 24, max: 24, impl: { resource: { type: 'dummy', create_delay: 40, boot_delay: 40 } } })]);

const storeError = (l: LogLine) => l.level >= 50 && l.err?.code === 'REEF_STATE_WRITE';

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

async function expectStoreMatchesCloud(e: StoreEnv, infra: string, n: number): Promise<void> {
  const rows = await e.store.listInstances(infra);
  expect(rows.map((r) => r.state)).toEqual(Array(n).fill('ready'));
  const inCloud = e.cloud.all(infra).map((r) => r.labels.instance).sort();
  expect(inCloud).toHaveLength(n);
  expect(inCloud).toEqual(rows.map((r) => r.id).sort());
}

/** Writes zeros until the filesystem refuses (ENOSPC); returns the filler's path. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (let i = 0; i < 10_000; i++) {
      const { bavail, bsize } = statfsSync(dir);
      if (bavail === 0) break;
      writeSync(fd, chunk, 0, Math.min(chunk.length, bavail * bsize));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return file;
}

function tryMountTmpfs(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'reef-chaos-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

describe('the state store fails under a running reef', () => {
  it('read-only mid-run: a clear error, no corruption, and convergence once writable again', async () => {
    env = storeEnv();
    const e = env;
    await e.store.putInfra(slowSpec('ro'));
    let locked = false;
    const run = e.controller().run('ro', {
      timeoutMs: 25_000,
      onStatus: () => {
        // the first tick has committed the instance rows; the machines are still creating in the cloud
        if (!locked) e.store.db.pragma('query_only = ON');
        locked = true;
      },
    });
    const line = await e.waitForLog(storeError, 10_000);
    expect(line.err?.message).toMatch(/^state store .*state\.db: .* failed: .*\[SQLITE_READONLY\] \(the store is read-only\)/);
    expect(e.cloud.count('ro')).toBeLessThan(24 + 1);
    e.store.db.pragma('query_only = OFF');
    const result = await run;
    expect(result.kind).toBe('converged');
    await expectStoreMatchesCloud(e, 'ro', 24);
    expect(integrity(e.store.path)).toBe('ok');
  }, 30_000);

  it('disk full mid-run: a clear error, no corruption, and convergence once space is freed', async () => {
    mounted = tryMountTmpfs();
    const how = mounted ? 'a full 2 MiB tmpfs' : 'PRAGMA max_page_count (mounting a tmpfs is not permitted here)';
    console.info(`disk full simulated with ${how}`);
    env = storeEnv(mounted ? () => join(mounted!, 'state.db') : undefined);
    const e = env;
    await e.store.putInfra(slowSpec('full'));
    let filler: string | undefined;
    let pages = 0;
    const run = e.controller().run('full', {
      timeoutMs: 25_000,
      onStatus: () => {
        if (filler !== undefined || pages > 0) return;
        if (mounted) filler = fillDisk(mounted);
        else {
          pages = e.store.db.pragma('page_count', { simple: true }) as number;
          e.store.db.pragma(`max_page_count = ${pages}`);
        }
      },
    });
    const line = await e.waitForLog((l) => storeError(l) && /SQLITE_FULL|SQLITE_IOERR/.test(l.err?.message ?? ''), 10_000);
    expect(line.err?.message).toMatch(/^state store .*state\.db: .* failed: .*\[SQLITE_(FULL|IOERR[A-Z_]*)\]/);
    if (filler) unlinkSync(filler);
    else e.store.db.pragma('max_page_count = 1073741823');
    const result = await run;
    expect(result.kind).toBe('converged');
    await expectStoreMatchesCloud(e, 'full', 24);
    expect(integrity(e.store.path)).toBe('ok');
  }, 30_000);
});
