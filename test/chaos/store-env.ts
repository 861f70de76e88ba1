/**
 * An in-process reef for store chaos: the store at a path the test chooses (a tiny tmpfs, say), the simulated
 * cloud elsewhere (it is "remote": its disk does not fill with reef's), and a logger whose lines the test can
 * wait for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openSqliteStore, type SqliteStore } from '../../src/state/sqlite/index.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import { createController, type Controller } from '../../src/controller/controller.js';
import { openDummyCloud, type DummyCloud } from '../../src/reconcilers/dummy/index.js';
import { FAST } from '../helpers/harness.js';

export interface LogLine {
  level: number;
  msg: string;
  err?: { code?: string; message?: string };
  [k: string]: unknown;
}

export interface StoreEnv {
  dir: string;
  store: SqliteStore;
  cloud: DummyCloud;
  lines: LogLine[];
  controller(): Controller;
  /** the first past or future log line matching, or a rejection after `withinMs` */
  waitForLog(match: (l: LogLine) => boolean, withinMs: number): Promise<LogLine>;
  close(): Promise<void>;
}

export function storeEnv(storePath?: (dir: string) => string): StoreEnv {
  const dir = mkdtempSync(join(tmpdir(), 'reef-chaos-store-'));
  const store = openSqliteStore(storePath ? storePath(dir) : join(dir, 'state.db'));
  const lines: LogLine[] = [];
  const waiters = new Set<(l: LogLine) => void>();
  const log = pino({ level: 'info' }, {
    write(s: string) {
      const line = JSON.parse(s) as LogLine;
      lines.push(line);
      for (const w of [...waiters]) w(line);
    },
  });
  const registry = new DriverRegistry(BUILTIN_DRIVERS, { stateDir: dir, log });
  const cloud = openDummyCloud(dir, 'default');
  const controllers: Controller[] = [];
  return {
    dir, store, cloud, lines,
    controller() {
      const c = createController({ store, registry, log, options: { ...FAST, concurrency: 4 } });
      controllers.push(c);
      return c;
    },
    waitForLog(match, withinMs) {
      const past = lines.find(match);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching log line within ${withinMs} ms; saw:\n${lines.map((l) => l.msg).join('\n')}`));
        }, withinMs);
        const check = (l: LogLine) => {
          if (!match(l)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(l);
        };
        waiters.add(check);
      });
    },
    async close() {
      await Promise.all(controllers.map((c) => c.stop()));
      await registry.close();
      await store.close();
      cloud.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
