/**
 * The replica chaos test on the Docker driver, smaller: three `reef serve` subprocesses on a private PostgreSQL,
 * four infras of busybox containers deployed, re-applied and scaled while replicas are killed (-9) and paused
 * (SIGSTOP past the lease), and PostgreSQL is taken down once, at seeded moments (REEF_CHAOS_SEED replays them).
 * At the end the engine holds exactly the desired containers, running, one per instance the store knows.
 * Every container carries this run's own label; only those (and only this run's infras) are removed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_PRIVATE_PG } from '../helpers/private-pg.js';
import { BASE_IMAGE, ENDPOINT, engine, removeInfra, requireEngine } from '../docker/engine.js';
import { infraYaml, type InfraModel, type SpecText } from './replica-chaos.js';
import { ReplicaChaosRun } from './replica-run.js';
import { chaosSeed } from './seeded-rng.js';

const SEED = chaosSeed();
const DURATION_MS = Number(process.env.REEF_CHAOS_DOCKER_MS ?? 40_000);
const TTL_S = 3;
const RUN = randomBytes(3).toString('hex');
const LABEL = `reef-chaos-run=${RUN}`;

const impl = `  - resource:
      type: docker
      endpoint: ${ENDPOINT}
      origin: local
      image: ${BASE_IMAGE}
      tag: latest
      stop_timeout: 0
      labels: { reef-chaos-run: "${RUN}" }
    contextualisation:
      type: docker
      command: [ sh, -c, 'exec httpd -f -p 80 -h /tmp' ]
    health_check:
      ports: [ 80 ]
      timeout: 60
`;
const NODES = `'node_def:chaos_head':\n${impl}'node_def:chaos_worker':\n${impl}'node_def:chaos_extra':\n${impl}`;
const spec = (m: InfraModel): SpecText => ({ nodes: NODES, infra: infraYaml(m) });

describe.skipIf(NO_PRIVATE_PG)('three replicas under kill -9, SIGSTOP and a PostgreSQL restart (Docker)', () => {
  const run = new ReplicaChaosRun('Docker', SEED, TTL_S);
  const infras: InfraModel[] = Array.from({ length: 4 }, (_, i) => ({
    id: `chaos-dk-${RUN}-${i}`, applied: false, workerMin: 1, workerMax: 3, workerTarget: 1, extra: false,
  }));
  afterAll(async () => {
    await run.stop();
    const ours = await engine.listContainers({ all: true, filters: { label: [LABEL] } }).catch(() => []);
    await Promise.all(ours.map((c) => engine.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
    for (const m of infras) await removeInfra(m.id);
  });

  it(`4 infras of containers converge exactly, no twin, no orphan, one holder per epoch (seed ${SEED})`, async () => {
    console.info(`replica chaos (Docker): seed ${SEED} (REEF_CHAOS_SEED=${SEED} replays its schedule), ${DURATION_MS / 1000} s of chaos, lease ${TTL_S} s, containers labelled ${LABEL}`);
    await requireEngine();
    await run.start();
    const figures = await run.chaos(infras, 2, {
      durationMs: DURATION_MS, maxDisrupted: 1, maxWorkers: 3, minKills: 1, minPauses: 1, gapMs: [1500, 3500], pgDownMs: [1500, 3000], spec,
    });
    const epochs = await run.verify(infras, figures, async () =>
      (await engine.listContainers({ all: true, filters: { label: [LABEL] } })).map((c) => ({
        id: c.Id.slice(0, 12), infra: c.Labels['reef.infra'] ?? '?', node: c.Labels['reef.node'] ?? '?', instance: c.Labels['reef.instance'] ?? '?', up: c.State === 'running',
      })), 'containers');

    const t = run.fleet!.tally;
    expect(figures.kills).toBeGreaterThanOrEqual(1);
    expect(figures.pausesPastLease).toBeGreaterThanOrEqual(1);
    expect(t.takeOvers).toBeGreaterThanOrEqual(1);
    expect(epochs).toBeGreaterThan(infras.length);
  }, 300_000);
});
