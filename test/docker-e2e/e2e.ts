/**
 * Shared set-up for the end-to-end suites: the built CLI against the real Docker engine, one temp state store
 * and one unique infra id per test, and a sweep of exactly the containers carrying that id's `reef.infra` label.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerInfo } from 'dockerode';
import { reef, ROOT, type CliResult } from '../helpers/cli.js';
import { engine, removeInfra, requireEngine } from '../docker/engine.js';

export { engine, requireEngine, ROOT };

export const example = (name: string, file: string) => join(ROOT, 'examples', name, file);

/** `e2e-<what>-<random>`: no two runs (or two suites) share containers. */
export function uniqueId(what: string): string {
  return `e2e-${what}-${randomBytes(3).toString('hex')}`;
}

export interface Workspace {
  dir: string;
  state: string;
  /** the CLI with `--state` of this workspace, run from the repository root */
  cli(args: string[], env?: Record<string, string>): CliResult;
  /** containers, networks and volumes of these infras are removed, the temp dir too */
  cleanup(infraIds: string[]): Promise<void>;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'reef-e2e-'));
  const state = join(dir, 'state.db');
  return {
    dir,
    state,
    cli: (args, env) => reef(ROOT, ['--state', state, ...args], { REEF_LOG_LEVEL: 'warn', ...env }),
    async cleanup(infraIds) {
      for (const id of infraIds) await sweep(id);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes everything labelled `reef.infra=<id>`: only what these suites created. */
export async function sweep(infraId: string): Promise<void> {
  await removeInfra(infraId);
  const label = [`reef.infra=${infraId}`];
  const networks = await engine.listNetworks({ filters: { label } });
  await Promise.all(networks.map((n) => engine.getNetwork(n.Id).remove().catch(() => undefined)));
  const { Volumes } = await engine.listVolumes({ filters: { label } });
  await Promise.all((Volumes ?? []).map((v) => engine.getVolume(v.Name).remove().catch(() => undefined)));
}

export async function containersOf(infraId: string, node?: string): Promise<ContainerInfo[]> {
  const label = [`reef.infra=${infraId}`, ...(node ? [`reef.node=${node}`] : [])];
  return engine.listContainers({ all: true, filters: { label } });
}

/** `status ID -o json`: Occopus's report, `{NODE: {instances: {ID: {resource_address, state}}, scaling}}` */
export interface OccopusReport {
  [node: string]: {
    instances: Record<string, { resource_address: string | null; state: string; error?: string }>;
    scaling: { actual: number; target: number; min: number; max: number };
  };
}

export function statusJson(ws: Workspace, infraId: string): OccopusReport {
  const r = ws.cli(['status', infraId, '-o', 'json']);
  if (r.code !== 0) throw new Error(`reef status ${infraId} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as OccopusReport;
}

export interface EventJson {
  seq: number;
  time: string;
  kind: string;
  node?: string;
  instance?: string;
  from?: string;
  to?: string;
  message: string;
  data?: Record<string, unknown>;
}

export function logsJson(ws: Workspace, infraId: string): EventJson[] {
  const r = ws.cli(['logs', infraId, '-o', 'json']);
  if (r.code !== 0) throw new Error(`reef logs ${infraId} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as EventJson);
}

/** A failed CLI call's output, for the assertion message. */
export function explain(r: CliResult): string {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(-4000)}`;
}

/** Polls `probe` until it returns a value, at most `withinMs` (a bounded loop against the real engine). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, withinMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** mulberry32: a small seeded RNG, so a failing crash schedule can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
