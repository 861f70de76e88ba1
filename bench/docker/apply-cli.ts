/**
 * Child: the 10-container case of issue 12 as a user runs it, `reef apply --wait` of Occopus's docker-helloworld
 * node (bench/docker/helloworld/), against the same 10 containers made by plain dockerode in its own Node process
 * (plain-helloworld.ts), REPS times interleaved. reef's debug log splits its wall time into phases (spawn → first
 * log line → "creating 10" → last ready → exit). `reef destroy --wait` is timed too.
 *   node apply-cli.js REPS [OTHER_REEF_CHECKOUT...]   (other built checkouts' reef are timed alongside: A/B)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, repoRoot, report } from '../lib/child.js';
import { BENCH_LABEL, runningCount, sweep } from './common.js';

const REPS = Number(process.argv[2] ?? 5);
const N = 10;
const INFRA = 'bench-helloworld';
const root = repoRoot();
const dir = join(root, 'bench', 'docker', 'helloworld');
const others = process.argv.slice(3);
const plainLabel = `${BENCH_LABEL}=plain-helloworld`;

interface Phases { startupMs: number; toCreatingMs: number; toLastReadyMs: number; exitMs: number }

function run(args: string[]): { ms: number; stderr: string; status: number | null } {
  const t0 = Date.now();
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { ms: Date.now() - t0, stderr: p.stderr, status: p.status };
}

/** Phases from the JSON log's timestamps, relative to the spawn at t0. */
function phases(stderr: string, t0: number, end: number): Phases {
  const lines = stderr.split('\n').flatMap((l) => { try { return [JSON.parse(l) as { time: number; msg: string }]; } catch { return []; } });
  const first = lines[0]?.time ?? t0;
  const creating = lines.find((l) => l.msg.startsWith('creating '))?.time ?? first;
  const lastReady = Math.max(...lines.filter((l) => l.msg.endsWith('→ ready')).map((l) => l.time), creating);
  return { startupMs: first - t0, toCreatingMs: creating - first, toLastReadyMs: lastReady - creating, exitMs: end - lastReady };
}

async function viaReef(reefRoot: string): Promise<{ applyMs: number; destroyMs: number; phases: Phases }> {
  const reefBin = join(reefRoot, 'bin', 'reef.js');
  const state = mkdtempSync(join(tmpdir(), 'reef-bench-hw-'));
  try {
    const common = ['--state', join(state, 'state.db'), '-o', 'json'];
    const t0 = Date.now();
    const apply = run([reefBin, ...common, '--log-level', 'debug', 'apply', join(dir, 'infra.yaml'), '--nodes', join(dir, 'nodes.yaml'), '--wait']);
    if (apply.status !== 0) throw new Error(`reef apply exited ${apply.status}: ${apply.stderr.slice(-500)}`);
    const n = await runningCount(`reef.infra=${INFRA}`);
    if (n !== N) throw new Error(`reef: ${n} containers running, expected ${N}`);
    const destroy = run([reefBin, ...common, 'destroy', INFRA, '--wait']);
    if (destroy.status !== 0) throw new Error(`reef destroy exited ${destroy.status}: ${destroy.stderr.slice(-500)}`);
    return { applyMs: apply.ms, destroyMs: destroy.ms, phases: phases(apply.stderr, t0, t0 + apply.ms) };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

function viaDockerode(): number {
  const p = run([join(root, 'dist', 'bench', 'docker', 'plain-helloworld.js'), plainLabel]);
  if (p.status !== 0) throw new Error(`plain dockerode exited ${p.status}: ${p.stderr.slice(-500)}`);
  return p.ms;
}

const sweepAll = async () => { await sweep(`reef.infra=${INFRA}`); await sweep(plainLabel); };
const times: { reef: number[]; dockerode: number[]; destroy: number[]; load: number[] } = { reef: [], dockerode: [], destroy: [], load: [] };
const allPhases: Phases[] = [];
const otherTimes: Record<string, { apply: number[]; phases: Phases[] }> = Object.fromEntries(others.map((o) => [o, { apply: [], phases: [] }]));
await sweepAll();
try {
  for (let rep = 0; rep < REPS; rep++) {
    times.load.push(loadavg()[0]);
    for (const other of others) {
      const o = await viaReef(other);
      otherTimes[other].apply.push(o.applyMs);
      otherTimes[other].phases.push(o.phases);
      await sweepAll();
    }
    const r = await viaReef(root);
    times.reef.push(r.applyMs);
    times.destroy.push(r.destroyMs);
    allPhases.push(r.phases);
    await sweepAll();
    times.dockerode.push(viaDockerode());
    await sweepAll();
  }
} finally {
  await sweepAll();
}
const ratios = times.reef.map((ms, i) => ms / times.dockerode[i]);
const medianPhases = (ps: Phases[]) => Object.fromEntries((['startupMs', 'toCreatingMs', 'toLastReadyMs', 'exitMs'] as const).map((k) => [k, median(ps.map((p) => p[k]))]));
report({
  containers: N, reps: REPS, times, ratios,
  reefMs: median(times.reef), dockerodeMs: median(times.dockerode), destroyMs: median(times.destroy), ratio: median(ratios),
  phases: medianPhases(allPhases),
  others: Object.fromEntries(Object.entries(otherTimes).map(([o, t]) => [o, {
    times: t.apply, applyMs: median(t.apply), ratio: median(t.apply.map((ms, i) => ms / times.dockerode[i])), phases: medianPhases(t.phases),
  }])),
});
