/**
 * Child: one head and 50 workers deployed three ways, REPS times each, interleaved (reef, dockerode, compose, ...)
 * so that drift of a noisy machine hits all three alike; reef and dockerode take turns at going first. Everything
 * is swept by label before and after each run, and one unrecorded deploy of each comes first (the first in a
 * process also loads and compiles its code; `reef apply`'s own start is in apply-cli.ts). The ratio is the median
 * of each rep's reef ÷ dockerode, which drift between reps does not skew. The CPU that this process used during
 * each deploy is reported too: the engine keeps both cores of a 2-core machine busy, so every millisecond of it
 * is taken from the engine.
 *   node deploy.js REPS [ENGINE_CPU]   (ENGINE_CPU: give the engine that CPU alone, see engine-cpu.ts)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndpointLimiter } from '../../src/controller/limiter.js';
import { DEFAULT_OPTIONS } from '../../src/controller/options.js';
import { median, report } from '../lib/child.js';
import { BENCH_LABEL, IMAGE, benchSpec, engine, inProcessReef, runningCount, sweepAll } from './common.js';
import { pinEngine } from './engine-cpu.js';

const REPS = Number(process.argv[2] ?? 3);
const ENGINE_CPU = process.argv[3] === undefined || process.argv[3] === '' ? undefined : Number(process.argv[3]);
const WORKERS = 50;
const TOTAL = WORKERS + 1;
const concurrency = DEFAULT_OPTIONS.concurrency;
const DEADLINE_MS = 120_000;

interface Run { ms: number; cpuMs: number }

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function viaReef(): Promise<Run> {
  const reef = inProcessReef();
  try {
    const spec = benchSpec();
    await reef.store.putInfra(spec);
    const cpu0 = cpuMs();
    const t0 = performance.now();
    const r = await reef.controller.run(spec.id, { timeoutMs: DEADLINE_MS });
    const run = { ms: performance.now() - t0, cpuMs: cpuMs() - cpu0 };
    if (r.kind !== 'converged') throw new Error(`reef: ${r.kind}`);
    const n = await runningCount(`reef.infra=${spec.id}`);
    if (n !== TOTAL) throw new Error(`reef: ${n} containers running, expected ${TOTAL}`);
    return run;
  } finally {
    await reef.close();
  }
}

async function viaDockerode(): Promise<Run> {
  const limiter = new EndpointLimiter({ concurrency });
  const one = (name: string) => limiter.run(async () => {
    const c = await engine.createContainer({ name, Image: IMAGE, Cmd: ['sleep', '3600'], Labels: { [BENCH_LABEL]: 'dockerode' } });
    await c.start();
  });
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const deploy = (async () => {
    await one('reef-bench-head');
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => one(`reef-bench-worker-${i}`)));
  })();
  // the deadline reef's run() is given: an engine that stops answering (seen once) ends the scenario with that line
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`dockerode: the engine did not finish ${TOTAL} create + start within ${DEADLINE_MS / 1000} s`)), DEADLINE_MS);
  });
  await Promise.race([deploy, deadline]).finally(() => clearTimeout(timer));
  // confirmed running, as reef's run() only ends once a list shows every instance running: one list call
  const n = await runningCount(`${BENCH_LABEL}=dockerode`);
  const run = { ms: performance.now() - t0, cpuMs: cpuMs() - cpu0 };
  if (n !== TOTAL) throw new Error(`dockerode: ${n} containers running, expected ${TOTAL}`);
  return run;
}

const COMPOSE = `version: "2.4"
services:
  head:
    image: ${IMAGE}
    command: [ sleep, "3600" ]
    labels: { ${BENCH_LABEL}: compose }
  worker:
    image: ${IMAGE}
    command: [ sleep, "3600" ]
    labels: { ${BENCH_LABEL}: compose }
    depends_on: [ head ]
`;

function composeAvailable(): boolean {
  return spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
}

async function viaCompose(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'reef-bench-compose-'));
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(file, COMPOSE);
  const args = ['-p', 'reefbench', '-f', file];
  try {
    const t0 = performance.now();
    const up = spawnSync('docker-compose', [...args, 'up', '-d', '--scale', `worker=${WORKERS}`], { encoding: 'utf8', timeout: 180_000 });
    const ms = performance.now() - t0;
    if (up.status !== 0) throw new Error(`docker-compose up: ${up.status} ${up.stderr.slice(-500)}`);
    const n = await runningCount(`${BENCH_LABEL}=compose`);
    if (n !== TOTAL) throw new Error(`compose: ${n} containers running, expected ${TOTAL}`);
    return ms;
  } finally {
    spawnSync('docker-compose', [...args, 'down', '-t', '0'], { encoding: 'utf8', timeout: 120_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

await engine.ping();
const withCompose = composeAvailable();
const times: Record<'reef' | 'dockerode' | 'compose', number[]> = { reef: [], dockerode: [], compose: [] };
const cpu: Record<'reef' | 'dockerode', number[]> = { reef: [], dockerode: [] };
const record = (who: 'reef' | 'dockerode', r: Run) => {
  times[who].push(r.ms);
  cpu[who].push(r.cpuMs);
};
await sweepAll();
const pinned = ENGINE_CPU === undefined ? undefined : pinEngine(ENGINE_CPU);
try {
  // one unrecorded deploy each first: the first in a process also loads and compiles the code it runs
  await viaReef();
  await sweepAll();
  await viaDockerode();
  await sweepAll();
  for (let rep = 0; rep < REPS; rep++) {
    for (const who of rep % 2 === 0 ? ['reef', 'dockerode'] as const : ['dockerode', 'reef'] as const) {
      record(who, who === 'reef' ? await viaReef() : await viaDockerode());
      await sweepAll();
    }
    if (withCompose) {
      times.compose.push(await viaCompose());
      await sweepAll();
    }
  }
} finally {
  await sweepAll();
  pinned?.restore();
}
const ratios = times.reef.map((ms, i) => ms / times.dockerode[i]);
report({
  containers: TOTAL, concurrency, reps: REPS, composeAvailable: withCompose, times, ratios, cpus: pinned?.describe ?? 'shared',
  reefMs: median(times.reef), dockerodeMs: median(times.dockerode), composeMs: withCompose ? median(times.compose) : null,
  ratio: median(ratios), reefCpuMs: median(cpu.reef), dockerodeCpuMs: median(cpu.dockerode),
});
