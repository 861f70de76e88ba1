/**
 * Child: one head and 50 workers deployed three ways, REPS times each, interleaved (reef, dockerode, compose, ...)
 * so that drift of a noisy machine hits all three alike. Everything is swept by label before and after each run.
 *   node deploy.js REPS
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndpointLimiter } from '../../src/controller/limiter.js';
import { DEFAULT_OPTIONS } from '../../src/controller/options.js';
import { median, report } from '../lib/child.js';
import { BENCH_LABEL, IMAGE, benchSpec, engine, inProcessReef, runningCount, sweepAll } from './common.js';

const REPS = Number(process.argv[2] ?? 3);
const WORKERS = 50;
const TOTAL = WORKERS + 1;
const concurrency = DEFAULT_OPTIONS.concurrency;

async function viaReef(): Promise<number> {
  const reef = inProcessReef();
  try {
    const spec = benchSpec();
    await reef.store.putInfra(spec);
    const t0 = performance.now();
    const r = await reef.controller.run(spec.id, { timeoutMs: 120_000 });
    const ms = performance.now() - t0;
    if (r.kind !== 'converged') throw new Error(`reef: ${r.kind}`);
    const n = await runningCount(`reef.infra=${spec.id}`);
    if (n !== TOTAL) throw new Error(`reef: ${n} containers running, expected ${TOTAL}`);
    return ms;
  } finally {
    await reef.close();
  }
}

async function viaDockerode(): Promise<number> {
  const limiter = new EndpointLimiter({ concurrency });
  const one = (name: string) => limiter.run(async () => {
    const c = await engine.createContainer({ name, Image: IMAGE, Cmd: ['sleep', '3600'], Labels: { [BENCH_LABEL]: 'dockerode' } });
    await c.start();
  });
  const t0 = performance.now();
  await one('reef-bench-head');
  await Promise.all(Array.from({ length: WORKERS }, (_, i) => one(`reef-bench-worker-${i}`)));
  // confirmed running, as reef's run() only ends once a list shows every instance running: one list call
  const n = await runningCount(`${BENCH_LABEL}=dockerode`);
  const ms = performance.now() - t0;
  if (n !== TOTAL) throw new Error(`dockerode: ${n} containers running, expected ${TOTAL}`);
  return ms;
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
await sweepAll();
try {
  for (let rep = 0; rep < REPS; rep++) {
    times.reef.push(await viaReef());
    await sweepAll();
    times.dockerode.push(await viaDockerode());
    await sweepAll();
    if (withCompose) {
      times.compose.push(await viaCompose());
      await sweepAll();
    }
  }
} finally {
  await sweepAll();
}
report({
  containers: TOTAL, concurrency, reps: REPS, composeAvailable: withCompose, times,
  reefMs: median(times.reef), dockerodeMs: median(times.dockerode), composeMs: withCompose ? median(times.compose) : null,
});
