/**
 * The scale-out section of `npm run bench`: deploy of the compare size (default 10,000 instances over 30 infras)
 * with one SQLite reef (the baseline), one PostgreSQL reef and R PostgreSQL replicas, steady ticks and peak RSS
 * per replica, take-over after kill -9 on the replicas, then the big size (default 100,000 over 100) on R
 * replicas. Every configuration that fails is a line of the report; the others still run.
 */
import type { Failures } from '../lib/failures.js';
import { createDatabase, pgServer, type PgServer } from './pg-server.js';
import { runConfig, type ConfigOptions, type ConfigResult, type Size } from './scenario.js';

export interface ScaleOutOptions {
  compare: Size;
  /** undefined: skip the big run */
  big?: Size;
  replicas: number;
  kills: number;
  leaseTtlS: number;
  resyncS: number;
  steadyS: number;
}

export interface ScaleOutResult {
  options: ScaleOutOptions;
  postgres: string | null;
  loadAverage: { before: number[]; after?: number[] };
  compare: ConfigResult[];
  big?: ConfigResult;
  seconds: number;
}

export function parseSize(text: string, flag: string): Size {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1) throw new Error(`${flag} ${text}: expected INSTANCESxINFRAS, e.g. 10000x30`);
  return { instances: Number(m[1]), infras: Number(m[2]) };
}

export async function runScaleOut(opts: ScaleOutOptions, failures: Failures, loadAverage: () => number[]): Promise<ScaleOutResult> {
  const started = Date.now();
  const result: ScaleOutResult = { options: opts, postgres: null, loadAverage: { before: loadAverage() }, compare: [], seconds: 0 };
  const progress = (msg: string) => process.stderr.write(`bench: scale-out: ${msg}\n`);
  const common = { kills: 0, leaseTtlS: opts.leaseTtlS, resyncS: opts.resyncS, steadyS: opts.steadyS, progress };
  const size = (s: Size) => `${s.instances} instances / ${s.infras} infras`;

  const baseline = await failures.guard('scale-out', `SQLite ×1, ${size(opts.compare)}`, () =>
    runConfig({ ...common, label: 'SQLite ×1', backend: { kind: 'sqlite' }, replicas: 1, size: opts.compare }));
  if (baseline) result.compare.push(baseline);

  let server: PgServer | undefined;
  try {
    server = await pgServer();
    result.postgres = server.source;
  } catch (e) {
    failures.add('scale-out', 'PostgreSQL configurations', e);
  }
  if (server) {
    const onPg = async (label: string, replicas: number, s: Size, extra: Partial<ConfigOptions> = {}) => {
      const db = await createDatabase(server!.url);
      try {
        return await runConfig({ ...common, label, backend: { kind: 'postgres', url: db.url }, replicas, size: s, ...extra });
      } finally {
        await db.drop().catch(() => {});
      }
    };
    try {
      for (const [label, replicas, kills] of [['PostgreSQL ×1', 1, 0], [`PostgreSQL ×${opts.replicas}`, opts.replicas, opts.kills]] as const) {
        const r = await failures.guard('scale-out', `${label}, ${size(opts.compare)}`, () => onPg(label, replicas, opts.compare, { kills }));
        if (r) result.compare.push(r);
      }
      if (opts.big) {
        const big = opts.big;
        result.big = await failures.guard('scale-out', `PostgreSQL ×${opts.replicas}, ${size(big)}`, () => onPg(`PostgreSQL ×${opts.replicas}`, opts.replicas, big));
      }
    } finally {
      server.stop();
    }
  }
  for (const r of result.compare) {
    if (r.takeOver?.error) failures.add('scale-out', `${r.label}, take-over after ${r.takeOver.kills} kills`, new Error(r.takeOver.error));
  }
  for (const r of [...result.compare, ...(result.big ? [result.big] : [])]) {
    if (r.cloudInstances !== r.instances) failures.add('scale-out', `${r.label}, ${size(r)}`, new Error(`the simulated clouds hold ${r.cloudInstances} instances, not ${r.instances}`));
  }
  result.loadAverage.after = loadAverage();
  result.seconds = Math.round((Date.now() - started) / 1000);
  return result;
}
