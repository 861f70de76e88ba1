/**
 * A seeded chaos schedule against a ReplicaFleet: infras deployed and re-applied, workers scaled through any
 * running replica's API, replicas killed with SIGKILL (and restarted) or paused with SIGSTOP past their lease
 * (then SIGCONT), and the PostgreSQL server taken down once. The test keeps its own model of every infra's
 * desired state: a request that got no answer is sent again (it is idempotent) until one is acknowledged, so
 * at the end the model is exactly what the store must hold.
 */
import type { PrivatePg } from '../helpers/private-pg.js';
import type { LeaseTally, Replica, ReplicaFleet } from './replica-fleet.js';
import type { Rng } from './seeded-rng.js';

export interface InfraModel {
  id: string;
  applied: boolean;
  workerMin: number;
  workerMax: number;
  workerTarget: number;
  /** a third node, added and removed by re-applies */
  extra: boolean;
  /** a request that got no answer; sent again before anything else is done to this infra */
  unanswered?: () => Promise<boolean>;
}

/** the node targets the store must end with */
export function expectedTargets(m: InfraModel): Record<string, number> {
  return { head: 1, worker: m.workerTarget, ...(m.extra ? { extra: 1 } : {}) };
}

export interface SpecText { infra: string; nodes: string }

export interface ChaosOptions {
  rng: Rng;
  durationMs: number;
  ttlMs: number;
  /** at most this many replicas dead or paused at once (so the API always has one) */
  maxDisrupted: number;
  /** at least this many kills and pauses past the lease, forced late in the run if the draw gave fewer */
  minKills: number;
  minPauses: number;
  /** re-applies draw the worker range within [0, maxWorkers] */
  maxWorkers: number;
  /** pause between steps */
  gapMs: [number, number];
  pgDownMs?: [number, number];
  spec(m: InfraModel): SpecText;
  /** holders of live leases (to pause a replica that holds some) */
  leaseHolders(): Promise<string[]>;
  log(line: string): void;
}

export interface ChaosFigures {
  kills: number;
  restarts: number;
  pauses: number;
  /** pauses longer than the lease (the others end past its trusted 80 %, just before it runs out) */
  pausesPastLease: number;
  pauseMs: number[];
  applies: number;
  scales: number;
  resent: number;
  pgDownAt?: number;
  pgDownMs?: number;
  durationMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(fleet: ReplicaFleet, pg: PrivatePg | undefined, infras: InfraModel[], o: ChaosOptions): Promise<ChaosFigures> {
  const { rng } = o;
  const f: ChaosFigures = { kills: 0, restarts: 0, pauses: 0, pausesPastLease: 0, pauseMs: [], applies: 0, scales: 0, resent: 0, durationMs: 0 };
  const t0 = Date.now();
  const at = () => ((Date.now() - t0) / 1000).toFixed(1);
  const pending: Array<{ at: number; run: () => Promise<void> }> = [];
  const starting = new Set<Promise<void>>();
  const pgAt = t0 + o.durationMs * (0.3 + 0.3 * rng());
  let pgDone = !pg || !o.pgDownMs;
  let pgOutage: Promise<void> | undefined;

  const disrupted = () => fleet.replicas.filter((r) => r.state !== 'running').length;
  const restart = (r: Replica) => {
    const p = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await fleet.start(r);
          f.restarts++;
          o.log(`${at()} s: replica ${r.index} restarted`);
          return;
        } catch (e) {
          // e.g. started while PostgreSQL was down: it exits, as a process supervisor would see it; start it again
          if (attempt === 10) throw e;
          o.log(`${at()} s: replica ${r.index} did not start (${String(e).split('\n')[0]}); again in 1 s`);
          await sleep(1000);
        }
      }
    })();
    starting.add(p);
    p.then(() => starting.delete(p), () => {});
  };

  const send = async (m: InfraModel, what: string, request: () => Promise<boolean>) => {
    if (await request()) return;
    f.resent++;
    o.log(`${at()} s: ${what} on ${m.id} got no answer; will send it again`);
    m.unanswered = request;
  };
  const apply = (m: InfraModel, change: Partial<InfraModel>) => {
    const next = { ...m, ...change };
    next.workerTarget = Math.min(next.workerMax, Math.max(next.workerMin, m.applied ? m.workerTarget : next.workerMin));
    const text = o.spec(next);
    return send(m, 'apply', async () => {
      const r = await fleet.api('PUT', `/v1/infras/${m.id}`, text, pickRunning());
      if (r.status !== 200) return false;
      Object.assign(m, change, { applied: true, workerTarget: next.workerTarget });
      f.applies++;
      return true;
    });
  };
  const scale = (m: InfraModel, to: number) =>
    send(m, `scale to ${to}`, async () => {
      const r = await fleet.api('PUT', `/v1/infras/${m.id}/nodes/worker/scale`, { to }, pickRunning());
      if (r.status !== 200) return false;
      if (r.body.target !== to) throw new Error(`scale of ${m.id} to ${to} answered ${JSON.stringify(r.body)}`);
      m.workerTarget = to;
      f.scales++;
      return true;
    });
  const pickRunning = () => {
    const up = fleet.running();
    return up.length ? rng.pick(up) : undefined;
  };

  const kill = async () => {
    const r = pickRunning();
    if (!r || disrupted() >= o.maxDisrupted) return;
    await fleet.kill(r);
    f.kills++;
    const back = rng.int(500, 4000);
    o.log(`${at()} s: kill -9 replica ${r.index} (pid ${r.proc!.pid}); restart in ${back} ms`);
    pending.push({ at: Date.now() + back, run: async () => restart(r) });
  };
  const pause = async (pastLease: boolean) => {
    if (disrupted() >= o.maxDisrupted) return;
    // a replica that holds leases, so the pause has something to lose
    const holders = await o.leaseHolders().catch(() => []);
    const holding = fleet.running().filter((r) => holders.some((h) => h.split(':')[1] === String(r.proc!.pid)));
    const r = holding.length ? rng.pick(holding) : pickRunning();
    if (!r) return;
    // most pauses outlast the lease (another replica takes over); some end just before it runs out, past the
    // trusted 80 %, where the woken replica must hold back its cloud calls until a renewal confirms the lease
    const ms = Math.round(o.ttlMs * (pastLease ? 1.3 + 1.2 * rng() : 0.85 + 0.2 * rng()));
    if (pastLease) f.pausesPastLease++;
    fleet.pause(r);
    f.pauses++;
    f.pauseMs.push(ms);
    o.log(`${at()} s: SIGSTOP replica ${r.index} for ${ms} ms (lease ${o.ttlMs} ms)`);
    pending.push({ at: Date.now() + ms, run: async () => {
      fleet.resume(r);
      o.log(`${at()} s: SIGCONT replica ${r.index}`);
    } });
  };
  const change = async () => {
    const unapplied = infras.filter((m) => !m.applied);
    const m = unapplied.length && rng() < 0.6 ? unapplied[0]! : rng.pick(infras.filter((i) => i.applied));
    if (m.unanswered) {
      if (await m.unanswered()) m.unanswered = undefined;
      return;
    }
    if (!m.applied) return apply(m, {});
    if (rng() < 0.7) return scale(m, rng.int(m.workerMin, m.workerMax));
    const min = rng.int(0, 2);
    return apply(m, { workerMin: min, workerMax: rng.int(Math.max(min, 1) + 1, o.maxWorkers), extra: rng() < 0.5 });
  };

  const end = t0 + o.durationMs;
  while (Date.now() < end) {
    pending.sort((a, b) => a.at - b.at);
    while (pending.length && pending[0]!.at <= Date.now()) await pending.shift()!.run();
    const elapsed = (Date.now() - t0) / o.durationMs;
    if (!pgDone && Date.now() >= pgAt) {
      // the outage runs alongside the rest of the chaos: requests meanwhile fail and are sent again
      pgDone = true;
      const ms = rng.int(o.pgDownMs![0], o.pgDownMs![1]);
      f.pgDownAt = Date.now() - t0;
      f.pgDownMs = ms;
      o.log(`${at()} s: PostgreSQL down for ${ms} ms`);
      pgOutage = pg!.down(ms).then(() => o.log(`${at()} s: PostgreSQL back`));
    } else if (f.kills < o.minKills && elapsed > 0.25) await kill();
    else if (f.pausesPastLease < o.minPauses && elapsed > 0.5) await pause(true);
    else {
      const roll = rng();
      if (roll < 0.12) await kill();
      else if (roll < 0.24) await pause(rng() < 0.75);
      else await change();
    }
    await sleep(rng.int(o.gapMs[0], o.gapMs[1]));
  }
  // the end of the chaos: everything back up, then every infra applied and every unanswered request answered
  for (const p of pending.sort((a, b) => a.at - b.at)) await p.run();
  await pgOutage;
  await Promise.all([...starting]);
  for (const m of infras) {
    for (let tries = 0; !m.applied || m.unanswered; tries++) {
      if (tries === 20) throw new Error(`${m.id}: no replica accepted its request in 20 tries:\n${fleet.tails()}`);
      if (m.unanswered && (await m.unanswered())) m.unanswered = undefined;
      else if (!m.applied) await apply(m, {});
      if (!m.applied || m.unanswered) await sleep(500);
    }
  }
  f.durationMs = Date.now() - t0;
  return f;
}

/** The infra description of a model: a head, its workers in [workerMin, workerMax], and the optional extra node. */
export function infraYaml(m: InfraModel): string {
  return `infra_name: ${m.id}
nodes:
  - &H
    name: head
    type: chaos_head
  - &W
    name: worker
    type: chaos_worker
    scaling: { min: ${m.workerMin}, max: ${m.workerMax} }
${m.extra ? '  - name: extra\n    type: chaos_extra\n' : ''}dependencies:
  - [ *W, *H ]
`;
}

/** The run's figures in one line (the test prints it; docs/scale-out.md quotes it). */
export function chaosSummary(what: string, seed: number, ttlMs: number, f: ChaosFigures, t: LeaseTally, epochs: number, end: string): string {
  return `replica chaos (${what}) seed ${seed}: ${f.durationMs / 1000} s of chaos, ${f.kills} kills (${f.restarts} restarts), ` +
    `${f.pauses} pauses (${f.pausesPastLease} past the lease; ${f.pauseMs.join('/')} ms, lease ${ttlMs} ms), PostgreSQL down ${f.pgDownMs} ms at ${((f.pgDownAt ?? 0) / 1000).toFixed(1)} s, ` +
    `${f.applies} applies, ${f.scales} scales, ${f.resent} requests sent again; ` +
    `${t.takeOvers} take-overs, ${t.writesRefused} epochs fenced by a refused write, ${t.lostAtRenewal} leases lost at renewal, ` +
    `${t.actsHeldBack} leases that held back cloud calls (untrusted), ${t.handedBack} hand-backs; ${epochs} epochs in the audit; ${end}`;
}
