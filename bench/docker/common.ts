/** Shared by the Docker benchmarks: the engine, the spec, an in-process reef, and label-filtered clean-up. */
import type { ControllerOptions } from '../../src/controller/options.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import { DriverRegistry } from '../../src/reconcilers/registry.js';
import { BUILTIN_DRIVERS, builtinResourceSchemas } from '../../src/reconcilers/builtin.js';
import { createController, type Controller } from '../../src/controller/controller.js';
import { compileInfra } from '../../src/schemas/index.js';
import { silentLogger } from '../../src/util/log.js';
import type { InfraSpec } from '../../src/spec/types.js';
import type { Store } from '../../src/state/store.js';
import { repoRoot } from '../lib/child.js';

export const engine = new Docker({ socketPath: '/var/run/docker.sock' });
export const IMAGE = 'reef-test/busybox:latest';
/** label every container a benchmark makes that is not reef's own (reef's carry reef.infra) */
export const BENCH_LABEL = 'reef-bench';

export function benchSpec(workers?: number): InfraSpec {
  const dir = join(repoRoot(), 'bench', 'docker');
  const spec = compileInfra({
    infraFile: join(dir, 'infra.yaml'), nodesFile: join(dir, 'nodes.yaml'), resourceSchemas: builtinResourceSchemas(),
  });
  if (workers === undefined) return spec;
  return { ...spec, nodes: spec.nodes.map((n) => (n.name === 'worker' ? { ...n, min: workers, max: workers } : n)) };
}

export interface InProcessReef {
  store: Store;
  controller: Controller;
  close(): Promise<void>;
}

/** reef with its production default options, as `reef apply` runs it. */
export function inProcessReef(options: Partial<ControllerOptions> = {}): InProcessReef {
  const dir = mkdtempSync(join(tmpdir(), 'reef-bench-docker-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const log = silentLogger();
  const registry = new DriverRegistry(BUILTIN_DRIVERS, { stateDir: dir, log });
  const controller = createController({ store, registry, log, options });
  return {
    store, controller,
    async close() {
      await controller.stop();
      await registry.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes every container carrying the label (`key` or `key=value`); returns how many. */
export async function sweep(label: string): Promise<number> {
  const found = await engine.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(found.map((c) => engine.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  return found.length;
}

export async function sweepAll(): Promise<void> {
  await sweep('reef.infra=bench-docker');
  await sweep(BENCH_LABEL);
  await sweep('com.docker.compose.project=reefbench');
}

export async function runningCount(label: string): Promise<number> {
  return (await engine.listContainers({ filters: { label: [label], status: ['running'] } })).length;
}
