/**
 * `npm run bench`: every scenario in its own child process, results printed as tables and written to
 * bench/results.json. Options: --only scale,docker,recovery,nova,scale-out   --sizes 100,1000,10000   --reps 7
 * --kills 10, and the scale-out section's (bench/scaleout/options.ts). A scenario that fails is one line of the
 * report (section, size, the error's first line) and an entry of results.json's `failures`; the others still run.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { runChild, repoRoot } from './lib/child.js';
import { check, type Target } from './lib/targets.js';
import { Failures } from './lib/failures.js';
import { parseSize, runScaleOut, type ScaleOutResult } from './scaleout/section.js';
import { scaleOutTables, scaleOutTargets } from './scaleout/report.js';

interface RawResult { n: number; concurrency: number; wallMs: number; cpuMs: number; peakRssMb: number }
interface ReefResult {
  n: number; concurrency: number; deployMs: number; deployCpuMs: number; deployPeakRssMb: number;
  reapplyMs: number; createdByReapply: number; steadyTickMedianMs: number; steadyTickP95Ms: number; steadyTicks: number;
  statusTableMs: number; statusJsonMs: number; cliStartMs: number;
}
interface DeployResult {
  containers: number; concurrency: number; reps: number; composeAvailable: boolean; times: Record<string, number[]>;
  reefMs: number; dockerodeMs: number; composeMs: number | null;
  /** median of each rep's reef ÷ dockerode; ratios: each rep's */
  ratio: number; ratios: number[];
  /** this process's CPU during one deploy (median) */
  reefCpuMs: number; dockerodeCpuMs: number;
  /** 'shared', or how the engine and the benchmark were given CPUs of their own */
  cpus: string;
}
interface NovaResult { servers: number; concurrency: number; reefDeployMs: number; reefDestroyMs: number; directDeployMs: number; directDestroyMs: number }
interface RecoveryResult { kills: number; workers: number; times: number[]; medianMs: number; maxMs: number }

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'scale,docker,recovery,nova,scale-out' },
    sizes: { type: 'string', default: '100,1000,10000' },
    reps: { type: 'string', default: '7' },
    kills: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    // Docker deploy: give the engine this CPU alone and the benchmark the others (root; see docker/engine-cpu.ts)
    'docker-engine-cpu': { type: 'string', default: '' },
    // scale-out section: INSTANCESxINFRAS for the SQLite/PostgreSQL/replicas comparison and for the big run ('none': skip)
    'out-compare': { type: 'string', default: '10000x30' },
    'out-big': { type: 'string', default: '100000x100' },
    'out-replicas': { type: 'string', default: '3' },
    'out-kills': { type: 'string', default: '5' },
    'out-lease-ttl': { type: 'string', default: '6' },
    'out-steady': { type: 'string', default: '8' },
  },
});
const only = new Set(values.only!.split(','));
const sizes = values.sizes!.split(',').map(Number);
const concurrency = values.concurrency!;
const started = Date.now();
const fmt = (x: number | null | undefined, d = 0) => (typeof x === 'number' ? x.toFixed(d) : '–');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const failures = new Failures();

const scale: Array<{ raw: RawResult; reef: ReefResult }> = [];
if (only.has('scale')) {
  for (const n of sizes) {
    process.stderr.write(`bench: ${n} dummy instances…\n`);
    await failures.guard('scale', `N=${n}`, async () => {
      const raw = await runChild<RawResult>('scale/raw-creates.js', [String(n), concurrency], 120_000 + n * 5);
      const reef = await runChild<ReefResult>('scale/reef-deploy.js', [String(n), concurrency], 300_000 + n * 20);
      scale.push({ raw, reef });
    });
  }
}

let docker: DeployResult | { skipped: string } | undefined;
let recovery: RecoveryResult | { skipped: string } | undefined;
const dockerWanted = only.has('docker') || only.has('recovery');
const dockerDown = dockerWanted ? await dockerProblem() : undefined;
if (only.has('docker')) {
  process.stderr.write('bench: Docker deploy (reef, dockerode, docker-compose)…\n');
  docker = dockerDown ? { skipped: dockerDown } : await failures.guard('docker', '50 containers', () => runChild<DeployResult>('docker/deploy.js', [values.reps!, values['docker-engine-cpu']!], 900_000));
}
if (only.has('recovery')) {
  process.stderr.write('bench: Docker recovery…\n');
  recovery = dockerDown ? { skipped: dockerDown } : await failures.guard('recovery', `${values.kills} kills`, () => runChild<RecoveryResult>('docker/recovery.js', [values.kills!, '5'], 300_000));
}

let scaleOut: ScaleOutResult | undefined;
if (only.has('scale-out')) {
  process.stderr.write('bench: scale-out (reef serve replicas on SQLite and PostgreSQL)…\n');
  scaleOut = await failures.guard('scale-out', 'options', () => runScaleOut({
    compare: parseSize(values['out-compare']!, '--out-compare'),
    big: values['out-big'] === 'none' ? undefined : parseSize(values['out-big']!, '--out-big'),
    replicas: Number(values['out-replicas']),
    kills: Number(values['out-kills']),
    leaseTtlS: Number(values['out-lease-ttl']),
    resyncS: 1,
    steadyS: Number(values['out-steady']),
  }, failures, loadavg));
}

let nova: NovaResult | { skipped: string } | undefined;
if (only.has('nova')) {
  process.stderr.write('bench: OpenStack (nova) 20 servers, reef vs direct API…\n');
  nova = await failures.guard('nova', '20 servers', () => runChild<NovaResult | { skipped: string }>('nova/deploy.js', ['20'], 2_400_000));
}

// ---- tables ----
const out: string[] = [];
if (scale.length) {
  const t = new Table({ head: ['dummy, zero delay', ...scale.map((s) => `N=${s.reef.n}`)], style: { head: [], border: [] } });
  const row = (label: string, f: (s: { raw: RawResult; reef: ReefResult }) => string) => t.push([label, ...scale.map(f)]);
  row('reef: deploy to all ready (ms)', (s) => fmt(s.reef.deployMs));
  row('raw driver creates (ms)', (s) => fmt(s.raw.wallMs));
  row('wall ratio reef/raw', (s) => ratio(s.reef.deployMs, s.raw.wallMs));
  row('reef CPU (ms) / raw CPU (ms)', (s) => `${fmt(s.reef.deployCpuMs)} / ${fmt(s.raw.cpuMs)}`);
  row('CPU ratio reef/raw', (s) => ratio(s.reef.deployCpuMs, s.raw.cpuMs));
  row('overhead per instance (µs wall / CPU)', (s) => `${fmt((1000 * (s.reef.deployMs - s.raw.wallMs)) / s.reef.n)} / ${fmt((1000 * (s.reef.deployCpuMs - s.raw.cpuMs)) / s.reef.n)}`);
  row('peak RSS reef / raw (MB)', (s) => `${fmt(s.reef.deployPeakRssMb)} / ${fmt(s.raw.peakRssMb)}`);
  row('steady tick median / p95 (ms)', (s) => `${fmt(s.reef.steadyTickMedianMs)} / ${fmt(s.reef.steadyTickP95Ms)}`);
  row('re-apply unchanged spec (ms)', (s) => fmt(s.reef.reapplyMs));
  row('reef status subprocess, table / -o json (ms)', (s) => `${fmt(s.reef.statusTableMs)} / ${fmt(s.reef.statusJsonMs)}`);
  row('reef --help subprocess (CLI start-up, ms)', (s) => fmt(s.reef.cliStartMs));
  out.push(t.toString());
}
if (docker && !('skipped' in docker)) {
  const t = new Table({ head: [`Docker: head + 50 workers (median of ${docker.reps}; CPUs: ${docker.cpus})`, 'ms', 'reef ÷ this'], style: { head: [], border: [] } });
  t.push(['reef (in-process, default options)', fmt(docker.reefMs), '1.00×']);
  t.push([`plain dockerode, concurrency ${docker.concurrency}`, fmt(docker.dockerodeMs), `${docker.ratio.toFixed(2)}× (median of the reps' ratios; ${Math.min(...docker.ratios).toFixed(2)}–${Math.max(...docker.ratios).toFixed(2)})`]);
  t.push(['docker-compose up -d', docker.composeMs === null ? 'not installed' : fmt(docker.composeMs), docker.composeMs === null ? '' : ratio(docker.reefMs, docker.composeMs)]);
  out.push(t.toString());
  out.push(`Docker deploy, CPU of the deploying process (median): reef ${fmt(docker.reefCpuMs)} ms, plain dockerode ${fmt(docker.dockerodeCpuMs)} ms`);
} else if (docker) out.push(`Docker deploy: skipped (${docker.skipped})`);
if (recovery && !('skipped' in recovery)) {
  out.push(`Recovery (docker kill of a worker → replacement ready, ${recovery.kills} kills): median ${fmt(recovery.medianMs)} ms, max ${fmt(recovery.maxMs)} ms`);
} else if (recovery) out.push(`Recovery: skipped (${recovery.skipped})`);

if (nova && !('skipped' in nova)) {
  const t = new Table({ head: [`OpenStack Zed, fake hypervisor: ${nova.servers} servers`, 'reef (ms)', `direct API, concurrency ${nova.concurrency} (ms)`, 'ratio'], style: { head: [], border: [] } });
  t.push(['deploy (POST → all ACTIVE / ready)', fmt(nova.reefDeployMs), fmt(nova.directDeployMs), ratio(nova.reefDeployMs, nova.directDeployMs)]);
  t.push(['destroy (DELETE → all gone)', fmt(nova.reefDestroyMs), fmt(nova.directDestroyMs), ratio(nova.reefDestroyMs, nova.directDestroyMs)]);
  out.push(t.toString());
} else if (nova) out.push(`OpenStack: skipped (${nova.skipped})`);

if (scaleOut) out.push(...scaleOutTables(scaleOut));

const big = scale.find((s) => s.reef.n === 10_000)?.reef;
const targets: Target[] = [
  check('10,000 dummy instances: time to all ready', '< 10 s', big && big.deployMs / 1000, 10, 's', 2),
  check('10,000 dummy instances: peak RSS', '< 500 MB', big?.deployPeakRssMb, 500, 'MB'),
  check('steady tick at 10,000 (median)', '< 50 ms', big?.steadyTickMedianMs, 50, 'ms'),
  check('Docker deploy vs plain dockerode', '≤ 1.0×', docker && !('skipped' in docker) ? docker.ratio : null, 1.0, '×', 2),
  check('Docker deploy vs docker-compose', '< 1.0×', docker && !('skipped' in docker) && docker.composeMs ? docker.reefMs / docker.composeMs : null, 1, '×', 2),
  check('recovery after docker kill (max of the kills)', '< 2 s', recovery && !('skipped' in recovery) ? recovery.maxMs / 1000 : null, 2, 's', 2),
  ...(only.has('scale-out') ? scaleOutTargets(scaleOut) : []),
];
const tt = new Table({ head: ['target', 'goal', 'measured', 'met'], style: { head: [], border: [] } });
for (const t of targets) tt.push([t.what, t.goal, t.measured, t.met === null ? '–' : t.met ? 'yes' : 'NO']);
out.push(tt.toString());
if (failures.list.length) out.push(failures.report());
process.stdout.write(`${out.join('\n\n')}\n`);

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  totalSeconds: Math.round((Date.now() - started) / 1000),
  loadAverage: loadavg(),
  scale, docker, recovery, nova, scaleOut, targets, failures: failures.list,
};
const file = join(repoRoot(), 'bench', 'results.json');
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.stderr.write(`bench: wrote ${file} (${results.totalSeconds} s)\n`);

async function dockerProblem(): Promise<string | undefined> {
  const { default: Docker } = await import('dockerode');
  const engine = new Docker({ socketPath: '/var/run/docker.sock' });
  try {
    await engine.ping();
    await engine.getImage('reef-test/busybox:latest').inspect();
    return undefined;
  } catch (e) {
    return `${(e as Error).message} — start dockerd and run test/docker/build-images.sh`;
  }
}
