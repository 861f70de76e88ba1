/**
 * Everything a command needs, built from the global options: the store, the drivers, a logger, and a
 * controller factory. Commands call openApp() and close() it; nothing here decides anything.
 */
import { dirname, resolve } from 'node:path';
import type { Store } from '../state/store.js';
import { describeStore, isPostgresUrl, openStore, openStoreForReading } from '../state/open-store.js';
import { DriverRegistry, type DriverModule } from '../reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../reconcilers/builtin.js';
import { createLogger, type Logger } from '../util/log.js';
import type { Controller } from '../controller/controller.js';
import type { ControllerOptions } from '../controller/options.js';
import type { LiveProgress } from './progress/live.js';

export interface GlobalOptions {
  state?: string;
  logLevel?: string;
  output?: 'table' | 'json';
  verbose?: boolean;
}

export interface App {
  statePath: string;
  stateDir: string;
  log: Logger;
  /** the live progress display (a terminal, no -v): it receives the warnings and errors instead of stderr */
  progress?: LiveProgress;
  registry: DriverRegistry;
  store(): Store;
  /** the store for a command that only reads: opened read-only when this process cannot write it */
  readStore(): Store;
  /** a controller on this app's store (its module, with xstate and the templates, loads on first use) */
  controller(options?: Partial<ControllerOptions>): Promise<Controller>;
  /** waits until log lines written so far are out, so a final table does not interleave with them */
  flushLogs(): Promise<void>;
  close(): Promise<void>;
}

/** An SQLite path (resolved) or a postgres:// URL, as given. */
export function stateLocationOf(opts: GlobalOptions): string {
  const given = opts.state ?? process.env.REEF_STATE ?? '.reef/state.db';
  return isPostgresUrl(given) ? given : resolve(given);
}

/** Where reef keeps local files (API token, driver state): the SQLite file's folder, or REEF_STATE_DIR (default .reef) with PostgreSQL. */
export function stateDirOf(opts: GlobalOptions): string {
  const location = stateLocationOf(opts);
  return isPostgresUrl(location) ? resolve(process.env.REEF_STATE_DIR ?? '.reef') : dirname(location);
}

/** The store as messages name it (a PostgreSQL URL without its password). */
export function statePathOf(opts: GlobalOptions): string {
  return describeStore(stateLocationOf(opts));
}

export function openApp(opts: GlobalOptions, progress?: LiveProgress, plugins: DriverModule[] = []): App {
  const location = stateLocationOf(opts);
  const statePath = statePathOf(opts);
  const stateDir = stateDirOf(opts);
  const log = progress
    ? createLogger({ level: 'warn', destination: progress.logSink() as NodeJS.WritableStream })
    : createLogger({ level: opts.logLevel ?? process.env.REEF_LOG_LEVEL ?? 'info', pretty: Boolean(process.stderr.isTTY) });
  const registry = new DriverRegistry([...BUILTIN_DRIVERS, ...plugins], { stateDir, log });
  let store: Store | undefined;
  const controllers: Controller[] = [];
  const app: App = {
    statePath,
    stateDir,
    log,
    progress,
    registry,
    store: () => (store ??= openStore(location, { log })),
    readStore: () => (store ??= openStoreForReading(location, { log })),
    controller: async (options) => {
      const [{ createController }, { loadAuthFile }] = await Promise.all([import('../controller/controller.js'), import('../schemas/index.js')]);
      const c = createController({ store: app.store(), registry, log, options, loadAuth: loadAuthFile });
      controllers.push(c);
      return c;
    },
    flushLogs: () => new Promise<void>((resolve) => log.flush(() => resolve())),
    async close() {
      await Promise.all(controllers.map((c) => c.stop()));
      await registry.close();
      await store?.close();
      log.flush?.();
    },
  };
  return app;
}
