/** The scale-out section as report tables, and its targets. */
import Table from 'cli-table3';
import { median } from '../lib/child.js';
import { check, type Target } from '../lib/targets.js';
import type { ConfigResult } from './scenario.js';
import type { ScaleOutResult } from './section.js';

const f = (x: number | null | undefined, d = 0) => (typeof x === 'number' ? x.toFixed(d) : '–');
const perReplica = (r: ConfigResult, pick: (p: ConfigResult['perReplica'][number]) => string) => r.perReplica.map(pick).join(' / ');

export function scaleOutTables(s: ScaleOutResult): string[] {
  const out: string[] = [];
  const load = `load average ${s.loadAverage.before.map((x) => x.toFixed(1)).join(' ')} before, ${s.loadAverage.after?.map((x) => x.toFixed(1)).join(' ') ?? '–'} after`;
  const base = s.compare.find((r) => r.backend === 'sqlite');
  if (s.compare.length) {
    const c = s.compare[0];
    const t = new Table({ head: [`scale-out: ${c.instances} dummy instances / ${c.infras} infras, reef serve processes`, ...s.compare.map((r) => r.label)], style: { head: [], border: [] } });
    const row = (label: string, fn: (r: ConfigResult) => string) => t.push([label, ...s.compare.map(fn)]);
    row('deploy: PUTs → all ready in the store (s)', (r) => f(r.readyMs / 1000, 1));
    row('ratio against SQLite ×1', (r) => (base ? `${(r.readyMs / base.readyMs).toFixed(2)}×` : '–'));
    row('infras held per replica', (r) => perReplica(r, (p) => String(p.infrasHeld)));
    row('lease moves during the deploy', (r) => String(r.leaseMoves));
    row('PUTs answered 503 and retried', (r) => String(r.putRetries));
    row('steady tick per replica, median (ms)', (r) => perReplica(r, (p) => f(p.tickMedianMs, 1)));
    row('steady tick per replica, p95 (ms)', (r) => perReplica(r, (p) => f(p.tickP95Ms, 1)));
    row('peak RSS per replica (MB)', (r) => perReplica(r, (p) => f(p.peakRssMb)));
    row('longest event-loop stall in the deploy (ms)', (r) => perReplica(r, (p) => f(p.deployLoopDelayMaxMs)));
    row('instances in the clouds at the end', (r) => String(r.cloudInstances));
    out.push(t.toString());
    const k = s.compare.find((r) => r.takeOver)?.takeOver;
    if (k) {
      if (k.kills) out.push(`Take-over after kill -9 of the replica holding most infras (${k.kills} kills, lease TTL ${k.leaseTtlS} s): every infra it held leased by another ` +
        `replica after median ${f(k.medianMs / 1000, 1)} s, max ${f(k.maxMs / 1000, 1)} s (first infra: median ${f(median(k.firstMs) / 1000, 1)} s); each: ${k.allMs.map((x) => f(x / 1000, 1)).join(', ')} s`);
    }
  }
  if (s.big) {
    const b = s.big;
    const ref = s.compare.find((r) => r.backend === 'postgres' && r.replicas === b.replicas);
    const t = new Table({ head: [`scale-out: ${b.instances} instances / ${b.infras} infras on ${b.label}`, 'measured', ref ? `${ref.instances} / ${ref.infras} infras, same replicas` : ''], style: { head: [], border: [] } });
    t.push(['deploy: PUTs → all ready (s)', f(b.readyMs / 1000, 1), ref ? f(ref.readyMs / 1000, 1) : '']);
    t.push(['PUTs answered 503 and retried', String(b.putRetries), ref ? String(ref.putRetries) : '']);
    t.push(['ms per 1,000 instances', f((1000 * b.readyMs) / b.instances), ref ? f((1000 * ref.readyMs) / ref.instances) : '']);
    t.push(['infras held per replica', perReplica(b, (p) => String(p.infrasHeld)), ref ? perReplica(ref, (p) => String(p.infrasHeld)) : '']);
    t.push(['steady tick per replica, median / p95 (ms)', perReplica(b, (p) => `${f(p.tickMedianMs, 1)}/${f(p.tickP95Ms, 1)}`), ref ? perReplica(ref, (p) => `${f(p.tickMedianMs, 1)}/${f(p.tickP95Ms, 1)}`) : '']);
    t.push(['peak RSS per replica (MB)', perReplica(b, (p) => f(p.peakRssMb)), ref ? perReplica(ref, (p) => f(p.peakRssMb)) : '']);
    t.push(['longest event-loop stall in the deploy (ms)', perReplica(b, (p) => f(p.deployLoopDelayMaxMs)), ref ? perReplica(ref, (p) => f(p.deployLoopDelayMaxMs)) : '']);
    t.push(['instances in the clouds at the end', String(b.cloudInstances), ref ? String(ref.cloudInstances) : '']);
    out.push(t.toString());
  }
  out.push(`Scale-out section: ${s.seconds} s, PostgreSQL: ${s.postgres ?? 'none'}, ${load}`);
  return out;
}

export function scaleOutTargets(s: ScaleOutResult | undefined): Target[] {
  const b = s?.big;
  const peak = b ? Math.max(...b.perReplica.map((p) => p.peakRssMb ?? Number.NaN)) : null;
  const what = b ? `${b.instances} instances / ${b.infras} infras on ${b.replicas} replicas` : 'the big scale-out run';
  return [
    check(`${what}: all ready`, '< 30 s', b && b.readyMs / 1000, 30, 's', 1),
    check(`${what}: peak RSS of the largest replica`, '< 1,536 MB', peak, 1536, 'MB'),
  ];
}
