/**
 * A runtime owns one AbortController for the calls it makes outside any instance machine: the lists of a tick,
 * collections and watches. Stopping it (shutdown, lease lost, infra destroyed) aborts them: a stop while a slow
 * list() is pending returns at once, and the driver sees the abort.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import { DriverRegistry, type DriverModule } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS } from '../../src/reconcilers/builtin.js';
import type { CallContext, Driver } from '../../src/reconcilers/driver.js';
import { createController } from '../../src/controller/controller.js';
import { silentLogger } from '../../src/util/log.js';
import type { Store } from '../../src/state/store.js';
import { FAST } from '../helpers/harness.js';
import { infraSpec, node } from '../helpers/spec.js';

/** the dummy driver, with a list() that hangs until its signal aborts, and a watch that records its signal */
function slowListing(seen: { listSignals: AbortSignal[]; watchSignals: AbortSignal[]; listed: () => void }): DriverModule {
  const dummy = BUILTIN_DRIVERS.find((m) => m.type === 'dummy')!;
  return {
    ...dummy,
    load: async () => {
      const factory = await dummy.load();
      return (deps) => {
        const inner = factory(deps) as Driver;
        return Object.assign(Object.create(inner) as Driver, {
          list: (_req: unknown, ctx: CallContext) => new Promise((_resolve, reject) => {
            seen.listSignals.push(ctx.signal);
            seen.listed();
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
          }),
          watch: (_req: unknown, ctx: CallContext) => {
            seen.watchSignals.push(ctx.signal);
            return () => {};
          },
        });
      };
    },
  };
}

let dir: string;
let store: Store;
let registry: DriverRegistry;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reef-abort-'));
  store = openSqliteStore(join(dir, 'state.db'));
});
afterEach(async () => {
  await registry.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stopping a runtime aborts its cloud calls', () => {
  it('a stop while a slow list() is pending returns promptly; the list and the watch see the abort', async () => {
    let listed!: () => void;
    const listing = new Promise<void>((r) => { listed = r; });
    const seen = { listSignals: [] as AbortSignal[], watchSignals: [] as AbortSignal[], listed: () => listed() };
    registry = new DriverRegistry([slowListing(seen)], { stateDir: dir, log: silentLogger() });
    await store.putInfra(infraSpec('ab1', [node('w', { min: 2 })]));
    const c = createController({ store, registry, log: silentLogger(), options: FAST });
    const running = c.run('ab1', { timeoutMs: 60_000 });
    await listing;
    expect(seen.listSignals.every((s) => !s.aborted)).toBe(true);

    const started = performance.now();
    await c.stop();
    const result = await running;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.kind).toBe('stopped');
    expect(seen.listSignals.length).toBeGreaterThan(0);
    expect(seen.listSignals.every((s) => s.aborted)).toBe(true);
    expect(seen.listSignals[0].reason).toMatchObject({ code: 'REEF_ABORTED', transient: true });
    expect(seen.watchSignals.length).toBeGreaterThan(0);
    expect(seen.watchSignals.every((s) => s.aborted)).toBe(true);
    // the aborted list is not an outage, and the reconcile that waited on it wrote nothing after the stop
    await new Promise((r) => setImmediate(r));
    const kinds = (await store.listEvents({ infra: 'ab1' })).map((e) => e.kind);
    expect(kinds).not.toContain('endpoint.unreachable');
    expect(kinds).not.toContain('infra.error');
    expect(await store.listInstances('ab1')).toEqual([]);
    expect(await store.getLease('ab1')).toBeUndefined();
  });
});
