/**
 * kill -9 of the reef CLI at 10 seeded random moments during a 30-container Docker deploy, restarting it each
 * time; then a last apply to the end. Exactly 30 containers must carry the infra's labels, each a distinct
 * instance the store knows, none orphaned or duplicated, and `reef destroy` must leave nothing behind.
 * CHAOS_SEED=n replays other moments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { reef, reefAsync } from '../helpers/cli.js';
import { engine, removeInfra, requireEngine } from '../docker/engine.js';

const SEED = Number(process.env.CHAOS_SEED ?? 7);
const KILLS = 10;
const INFRA = `chaos-kill-${randomBytes(3).toString('hex')}`;
let dir: string;

/** mulberry32: a small seeded generator, so a failing schedule can be replayed */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INFRA_YAML = `infra_name: ${INFRA}
nodes:
  - &H
    name: head
    type: chaos_head
    scaling: { min: 2, max: 2 }
  - &W
    name: worker
    type: chaos_worker
    scaling: { min: 28, max: 28 }
dependencies:
  - [ *W, *H ]
`;
const impl = `  - resource:
      type: docker
      endpoint: unix:///var/run/docker.sock
      origin: local
      image: reef-test/busybox
      tag: latest
      stop_timeout: 0
    contextualisation:
      type: docker
      command: [ sh, -c, 'sleep 2; exec httpd -f -p 80 -h /tmp' ]
    health_check:
      ports: [ 80 ]
      timeout: 60
`;
const NODES_YAML = `'node_def:chaos_head':\n${impl}\n'node_def:chaos_worker':\n${impl}`;

beforeAll(async () => {
  await requireEngine();
  dir = mkdtempSync(join(tmpdir(), 'reef-chaos-kill-'));
  writeFileSync(join(dir, 'infra.yaml'), INFRA_YAML);
  writeFileSync(join(dir, 'nodes.yaml'), NODES_YAML);
});

afterAll(async () => {
  await removeInfra(INFRA);
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 of reef during a Docker deploy', () => {
  it(`${KILLS} kills at seeded moments, then a full apply: 30 containers, none orphaned or duplicated`, async () => {
    const random = rng(SEED);
    const outcomes: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const child = reefAsync(dir, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait', '--timeout', '60']);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // the moment of the kill is the chaos itself (start-up, planning, mid-create, mid-start, health), not a wait;
      // every container takes 2 s to answer its health check, so a deploy spans ~5 s however fast the engine is
      const moment = 300 + Math.floor(random() * 4000);
      const early = await Promise.race([exited, new Promise<'kill'>((r) => setTimeout(() => r('kill'), moment))]);
      if (early === 'kill') {
        child.kill('SIGKILL');
        await exited;
        const made = await engine.listContainers({ all: true, filters: { label: [`reef.infra=${INFRA}`] } });
        outcomes.push(`killed at ${moment} ms with ${made.length} containers`);
      } else {
        outcomes.push(`finished (${early}) before ${moment} ms`);
      }
    }
    console.info(`seed ${SEED}: ${outcomes.join('; ')}`);
    const last = reef(dir, ['apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait', '--timeout', '90'], { REEF_LOG_LEVEL: 'warn' });
    expect(last.code, `${outcomes.join(', ')}\n${last.stderr}`).toBe(0);
    // sanity: the chaos happened (later rounds may find the infra complete and finish before their moment)
    expect(outcomes.filter((o) => o.startsWith('killed')).length).toBeGreaterThanOrEqual(3);

    const containers = await engine.listContainers({ all: true, filters: { label: [`reef.infra=${INFRA}`] } });
    const byName = await engine.listContainers({ all: true, filters: { name: [`reef-${INFRA}-`] } });
    expect(containers).toHaveLength(30);
    expect(byName).toHaveLength(30); // no unlabelled leftovers under reef's names either
    expect(containers.every((c) => c.State === 'running')).toBe(true);
    const instances = containers.map((c) => c.Labels['reef.instance']);
    expect(new Set(instances).size).toBe(30);

    const status = JSON.parse(reef(dir, ['status', INFRA, '-o', 'json']).stdout) as Record<string, { instances: Record<string, { state: string }> }>;
    const inStore = Object.entries(status).flatMap(([, n]) => Object.entries(n.instances));
    expect(inStore.map(([, i]) => i.state)).toEqual(Array(30).fill('ready'));
    expect(inStore.map(([id]) => id).sort()).toEqual([...instances].sort());
    const perNode = (node: string) => containers.filter((c) => c.Labels['reef.node'] === node).length;
    expect([perNode('head'), perNode('worker')]).toEqual([2, 28]);

    const destroyed = reef(dir, ['destroy', INFRA, '--wait', '--timeout', '90']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(await removeInfra(INFRA)).toBe(0);
  }, 240_000);
});
