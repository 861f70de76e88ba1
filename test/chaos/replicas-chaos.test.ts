/**
 * Issue 15 part 4: three `reef serve` subprocesses on one PostgreSQL (a private server: it is taken down once,
 * which the shared test server must not be), 30 dummy-cloud infras deployed, re-applied and scaled through the
 * API while replicas are killed with SIGKILL and restarted, and paused with SIGSTOP past their lease, at moments
 * drawn from a seeded generator (printed; REEF_CHAOS_SEED=n replays the schedule, REEF_CHAOS_MS sets the length).
 * Workers take 0.7 s to create and 15 % of create attempts fail (transiently), so kills and pauses often land
 * on a create in flight. At the end every infra has exactly its desired instances, ready, in the store and in the simulated cloud
 * (one resource per instance, none the store does not know), and the lease audit shows one holder per epoch.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDummyCloud } from '../../src/reconcilers/dummy/index.js';
import { NO_PRIVATE_PG } from '../helpers/private-pg.js';
import { infraYaml, type InfraModel, type SpecText } from './replica-chaos.js';
import { ReplicaChaosRun } from './replica-run.js';
import { chaosSeed } from './seeded-rng.js';

const SEED = chaosSeed();
const DURATION_MS = Number(process.env.REEF_CHAOS_MS ?? 90_000);
const TTL_S = 3;
const INFRAS = 30;
const RUN = randomBytes(3).toString('hex');

const NODES = `'node_def:chaos_head':
  - resource: { type: dummy, create_delay: 150, boot_delay: 600 }
    health_check: { ports: [ 22 ], timeout: 60 }
'node_def:chaos_worker':
  - resource: { type: dummy, create_delay: 700, boot_delay: 400, fail_create: { transient: 0.15 } }
    health_check: { timeout: 60 }
'node_def:chaos_extra':
  - resource: { type: dummy, create_delay: 100, boot_delay: 300 }
`;
const spec = (m: InfraModel): SpecText => ({ nodes: NODES, infra: infraYaml(m) });

describe.skipIf(NO_PRIVATE_PG)('three replicas under kill -9, SIGSTOP and a PostgreSQL restart (dummy cloud)', () => {
  const run = new ReplicaChaosRun('dummy', SEED, TTL_S);
  afterAll(() => run.stop());

  it(`30 infras converge exactly, no twin, no orphan, one holder per epoch (seed ${SEED})`, async () => {
    console.info(`replica chaos (dummy): seed ${SEED} (REEF_CHAOS_SEED=${SEED} replays its schedule), ${DURATION_MS / 1000} s of chaos, lease ${TTL_S} s`);
    await run.start();
    const infras: InfraModel[] = Array.from({ length: INFRAS }, (_, i) => ({
      id: `chaos-${RUN}-${String(i).padStart(2, '0')}`, applied: false, workerMin: 1, workerMax: 4, workerTarget: 1, extra: false,
    }));
    // a third deployed before the chaos, the rest while it runs
    const figures = await run.chaos(infras, 10, {
      durationMs: DURATION_MS, maxDisrupted: 2, maxWorkers: 4, minKills: 3, minPauses: 3, gapMs: [400, 1500], pgDownMs: [1500, 4000], spec,
    });
    const epochs = await run.verify(infras, figures, async () => {
      const cloud = openDummyCloud(run.stateDir, 'default');
      try {
        return cloud.all().map((r) => ({ id: r.id, infra: r.labels.infra, node: r.labels.node, instance: r.labels.instance, up: !r.phaseOverride }));
      } finally {
        cloud.close();
      }
    }, 'instances');

    // the chaos happened: kills and pauses, take-overs in new epochs, and a woken replica fenced out
    const t = run.fleet!.tally;
    expect(figures.kills).toBeGreaterThanOrEqual(3);
    expect(figures.pausesPastLease).toBeGreaterThanOrEqual(3);
    expect(figures.pgDownMs).toBeGreaterThan(0);
    expect(t.takeOvers).toBeGreaterThanOrEqual(3);
    expect(t.writesRefused + t.lostAtRenewal).toBeGreaterThanOrEqual(1);
    expect(epochs).toBeGreaterThan(INFRAS);
  }, 300_000);
});
