/**
 * One configuration of the scale-out section: R `reef serve` replicas on one store (an SQLite file, or a fresh
 * PostgreSQL database), the infras PUT through their APIs (spread over the replicas, as a load balancer would),
 * timed until every instance is ready in the store; then steady ticks per replica, peak RSS per replica, and,
 * when asked, take-over after `kill -9` of a replica, several times.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDummyCloud } from '../../src/reconcilers/dummy/index.js';
import { median, percentile } from '../lib/child.js';
import { loopDelayMax, Replica, sleep, ticksBetween } from './replica.js';
import { scaleOutInfras } from './spec-yaml.js';
import { watchStore, type StoreWatch } from './store-watch.js';

export interface Size { instances: number; infras: number }

export interface ConfigOptions {
  label: string;
  /** an SQLite file is made in the run's dir; a PostgreSQL database is made and dropped by the caller's functions */
  backend: { kind: 'sqlite' } | { kind: 'postgres'; url: string };
  replicas: number;
  size: Size;
  kills: number;
  leaseTtlS: number;
  resyncS: number;
  steadyS: number;
  progress(msg: string): void;
}

export interface ReplicaFigures {
  peakRssMb: number | null; infrasHeld: number; tickMedianMs: number | null; tickP95Ms: number | null; ticks: number;
  /** the event loop's longest stall during the deploy (a lease renewal waits at least that long) */
  deployLoopDelayMaxMs: number | null;
}

export interface TakeOver {
  kills: number; leaseTtlS: number; allMs: number[]; firstMs: number[]; medianMs: number; maxMs: number;
  /** why the kills stopped early (the figures above are of the kills before it) */
  error?: string;
}

export interface ConfigResult {
  label: string;
  backend: 'sqlite' | 'postgres';
  replicas: number;
  instances: number;
  infras: number;
  readyMs: number;
  /** PUTs answered 503 (store busy) and retried */
  putRetries: number;
  leaseMoves: number;
  perReplica: ReplicaFigures[];
  /** instances in the simulated clouds at the end: must equal `instances` (no twin, none missing) */
  cloudInstances: number;
  takeOver?: TakeOver;
}

export async function runConfig(o: ConfigOptions): Promise<ConfigResult> {
  const dir = mkdtempSync(join(tmpdir(), 'reef-bench-out-'));
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir);
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'api-token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const state = o.backend.kind === 'sqlite' ? join(stateDir, 'state.db') : o.backend.url;
  let files = 0;
  const start = () => Replica.start({ state, stateDir, tokenFile, token, ticksFile: join(dir, `ticks-${files++}.txt`), leaseTtlS: o.leaseTtlS, resyncS: o.resyncS });
  const replicas: Replica[] = [];
  let watch: StoreWatch | undefined;
  try {
    for (let r = 0; r < o.replicas; r++) replicas.push(await start());
    watch = await watchStore(state);
    await until(async () => (await watch!.liveReplicas()) >= o.replicas, 30_000, 'the replicas did not all register');

    // deploy: every infra PUT (8 at a time, round-robin over the replicas), then every instance ready in the store
    const bodies = scaleOutInfras(o.size.instances, o.size.infras, `so${o.replicas}${o.backend.kind[0]}`);
    o.progress(`${o.label}: ${o.size.instances} instances over ${o.size.infras} infras…`);
    const t0 = Date.now();
    let next = 0;
    let putRetries = 0;
    await Promise.all(Array.from({ length: Math.min(8, bodies.length) }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const b = bodies[i];
        putRetries += (await replicas[i % replicas.length].put(`/v1/infras/${b.id}`, { infra: b.infra, nodes: b.nodes })).retries;
      }
    }));
    const deployLimit = 120_000 + o.size.instances * 2;
    let ready = 0;
    await until(async () => (ready = await watch!.readyInstances()) >= o.size.instances, deployLimit,
      () => `${ready} of ${o.size.instances} instances ready after ${deployLimit / 1000} s`, 100, replicas);
    const readyMs = Date.now() - t0;
    const leaseMoves = await watch.leaseMoves();

    // steady state: every converged infra resyncs every resyncS; the probe timed each tick
    await sleep(2000);
    const from = Date.now();
    await sleep(o.steadyS * 1000);
    const to = Date.now();
    const leases = await watch.leases();
    const perReplica = replicas.map((r): ReplicaFigures => {
      const ticks = ticksBetween(r.opts.ticksFile, from, to);
      return {
        peakRssMb: r.readPeakRss() ?? null,
        infrasHeld: leases.filter((l) => l.holder.startsWith(r.holderPrefix)).length,
        tickMedianMs: ticks.length ? median(ticks) : null,
        tickP95Ms: ticks.length ? percentile(ticks, 95) : null,
        ticks: ticks.length,
        deployLoopDelayMaxMs: loopDelayMax(r.opts.ticksFile, t0, t0 + readyMs),
      };
    });

    const takeOver = o.kills > 0 ? await killAndTakeOver(o, replicas, watch, start) : undefined;
    if (takeOver) await until(async () => (await watch!.readyInstances()) >= o.size.instances, 60_000, 'instances not all ready after the kills');

    let cloudInstances = 0;
    for (const b of bodies) {
      const cloud = openDummyCloud(stateDir, b.id);
      cloudInstances += cloud.count();
      cloud.close();
    }
    return {
      label: o.label, backend: o.backend.kind, replicas: o.replicas, instances: o.size.instances, infras: o.size.infras,
      readyMs, putRetries, leaseMoves, perReplica, cloudInstances, takeOver,
    };
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await watch?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * kill -9 of one replica at a time (the one holding most infras), timed until every infra it held has an
 * unexpired lease of another replica; then a new replica replaces it and the shares even out before the next.
 */
async function killAndTakeOver(o: ConfigOptions, replicas: Replica[], watch: StoreWatch, start: () => Promise<Replica>): Promise<TakeOver> {
  const allMs: number[] = [];
  const firstMs: number[] = [];
  const share = Math.ceil(o.size.infras / o.replicas);
  const figures = (error?: string): TakeOver => ({
    kills: allMs.length, leaseTtlS: o.leaseTtlS, allMs, firstMs, medianMs: median(allMs), maxMs: Math.max(...allMs), ...(error ? { error } : {}),
  });
  for (let k = 0; k < o.kills; k++) {
    try {
      await until(async () => balanced(await watch.leases(), replicas, o.size.infras, share), 60_000,
        `before kill ${k + 1}: the shares did not even out within 60 s`, 200, replicas);
    } catch (e) {
      return figures((e as Error).message);
    }
    const leases = await watch.leases();
    const held = (r: Replica) => leases.filter((l) => l.holder.startsWith(r.holderPrefix)).map((l) => l.infra);
    const index = replicas.reduce((best, r, i) => (held(r).length > held(replicas[best]).length ? i : best), 0);
    const victim = replicas[index];
    const theirs = new Set(held(victim));
    o.progress(`${o.label}: kill -9 of replica ${victim.pid} (${theirs.size} infras), ${k + 1} of ${o.kills}`);
    const t = Date.now();
    await victim.kill9();
    let first: number | undefined;
    const limit = o.leaseTtlS * 3000 + 30_000;
    const moved = until(async () => {
      const now = Date.now();
      const moved = (await watch.leases()).filter((l) => theirs.has(l.infra) && !l.holder.startsWith(victim.holderPrefix) && l.expiresAt > now).length;
      if (moved > 0 && first === undefined) first = now - t;
      return moved === theirs.size;
    }, limit, `kill ${k + 1}: the killed replica's infras were not all taken over within ${limit / 1000} s`, 25);
    try {
      await moved;
    } catch (e) {
      return figures((e as Error).message);
    }
    allMs.push(Date.now() - t);
    firstMs.push(first ?? allMs[allMs.length - 1]);
    replicas[index] = await start();
  }
  return figures();
}

function balanced(leases: Array<{ holder: string; expiresAt: number }>, replicas: Replica[], infras: number, share: number): boolean {
  const now = Date.now();
  const live = leases.filter((l) => l.expiresAt > now);
  if (live.length !== infras) return false;
  return replicas.every((r) => {
    const n = live.filter((l) => l.holder.startsWith(r.holderPrefix)).length;
    return n >= share - 1 && n <= share;
  });
}

/** Polls `done` every `everyMs` until it holds; throws `what` after `limitMs`, or as soon as a replica died. */
async function until(done: () => Promise<boolean>, limitMs: number, what: string | (() => string), everyMs = 100, replicas: Replica[] = []): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await done()) return;
    const dead = replicas.find((r) => !r.alive);
    if (dead) throw new Error(`replica ${dead.pid} exited: ${dead.lastError()}`);
    if (Date.now() > deadline) throw new Error(typeof what === 'string' ? what : what());
    await sleep(everyMs);
  }
}
