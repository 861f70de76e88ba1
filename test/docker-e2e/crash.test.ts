/**
 * Crash safety on the real engine: `reef apply --wait` of a head + 6 workers is killed with SIGKILL right after
 * Docker reports a container create (so between the create call and the store write, or just after it), five
 * times on a seeded schedule, each time resumed by a new `apply --wait`. Afterwards Docker and the store must
 * agree exactly: the target count, no instance twice, no container reef does not know and no instance without one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { reefAsync, ROOT } from '../helpers/cli.js';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import { containersOf, engine, example, explain, requireEngine, seededRandom, statusJson, uniqueId, workspace } from './e2e.js';

const SEED = Number(process.env.REEF_E2E_SEED ?? 20261125);
const ROUNDS = 5;
// serial creation (Occopus's default strategy) keeps creates apart, so each kill lands among them
const WORKERS = 8;
const APPLY = () => ['apply', infraFile, '--nodes', example('docker-cluster', 'nodes.yaml'), '--id', id, '--strategy', 'serial', '--wait'];

const ws = workspace();
const id = uniqueId('crash');
const infraFile = join(ws.dir, 'infra.yaml');

beforeAll(async () => {
  await requireEngine();
  const text = readFileSync(example('docker-cluster', 'infra.yaml'), 'utf8');
  if (!text.includes('min: 2')) throw new Error('examples/docker-cluster/infra.yaml changed: expected workers "min: 2"');
  writeFileSync(infraFile, text.replace('min: 2', `min: ${WORKERS}`));
});
afterAll(() => ws.cleanup([id]));

/** Resolves on the n-th container `event` (create, kill, ...) Docker reports for the infra (counted from now). */
async function nthEvent(event: string, n: number, signal: AbortSignal): Promise<void> {
  const stream = (await engine.getEvents({
    filters: { type: ['container'], event: [event], label: [`reef.infra=${id}`] },
    abortSignal: signal,
  })) as unknown as Readable;
  let seen = 0;
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.toString().split('\n').filter((l) => l.trim()).length;
      if (seen >= n) {
        stream.destroy();
        resolve();
      }
    });
    stream.on('error', (e) => (signal.aborted ? resolve() : reject(e)));
  });
}

interface Round {
  round: number;
  afterCreates: number;
  delayMs: number;
  killed: boolean;
  exitCode: number | null;
  /** containers that existed at the kill while their instance row had no ref yet: the create/store-write window */
  unrecorded: number;
}

/** Instances whose container exists but whose row holds no ref (the process died before recording the create). */
async function unrecordedContainers(): Promise<number> {
  const store = openSqliteStore(ws.state);
  try {
    const rows = new Map((await store.listInstances(id)).map((i) => [i.id, i]));
    return (await containersOf(id)).filter((c) => !rows.get(c.Labels['reef.instance'])?.ref).length;
  } finally {
    await store.close();
  }
}

/** One CLI run, killed with SIGKILL `delayMs` after the `afterEvents`-th container `event` (if it gets that far). */
async function runAndKill(args: string[], event: string, afterEvents: number, delayMs: number): Promise<{ killed: boolean; exitCode: number | null }> {
  const watch = new AbortController();
  const armed = nthEvent(event, afterEvents, watch.signal); // subscribe before the CLI starts
  const child = reefAsync(ROOT, ['--state', ws.state, ...args]);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let killed = false;
  const timer = setTimeout(() => watch.abort(), 30_000);
  void armed.then(() => {
    if (watch.signal.aborted) return;
    setTimeout(() => {
      killed = child.kill('SIGKILL') && child.exitCode === null;
    }, delayMs);
  });
  const exitCode = await exited;
  clearTimeout(timer);
  watch.abort();
  if (!killed && exitCode !== 0) throw new Error(`reef ${args.join(' ')} exited ${exitCode} without being killed:\n${output}`);
  return { killed, exitCode };
}

async function applyAndKill(round: number, afterCreates: number, delayMs: number): Promise<Round> {
  const { killed, exitCode } = await runAndKill(APPLY(), 'create', afterCreates, delayMs);
  return { round, afterCreates, delayMs, killed, exitCode, unrecorded: killed ? await unrecordedContainers() : 0 };
}

describe('kill -9 of apply --wait while containers are being created', () => {
  it(`${ROUNDS} kills (seed ${SEED}), then apply --wait converges with Docker and the store in exact agreement`, async () => {
    const rand = seededRandom(SEED);
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const afterCreates = 1;
      const delayMs = Math.floor(rand() * 150);
      rounds.push(await applyAndKill(round, afterCreates, delayMs));
    }
    console.info(`[e2e] crash rounds (seed ${SEED}): ${JSON.stringify(rounds)}`);
    expect(rounds.filter((r) => r.killed)).toHaveLength(ROUNDS); // every kill really landed while creating
    // and at least one between Docker's create and the store recording it (in practice: every one)
    expect(rounds.some((r) => r.unrecorded > 0)).toBe(true);

    const started = Date.now();
    const final = ws.cli([...APPLY(), '--timeout', '60']);
    expect(final.code, explain(final)).toBe(0);
    console.info(`[e2e] resume after the last kill converged in ${Date.now() - started} ms`);

    const containers = await containersOf(id);
    const byInstance = containers.map((c) => c.Labels['reef.instance']);
    expect(new Set(byInstance).size, `duplicate reef.instance labels: ${byInstance.sort().join(' ')}`).toBe(byInstance.length);
    expect(containers.filter((c) => c.Labels['reef.node'] === 'head')).toHaveLength(1);
    expect(containers.filter((c) => c.Labels['reef.node'] === 'worker')).toHaveLength(WORKERS);
    expect(containers.every((c) => c.State === 'running')).toBe(true);

    const report = statusJson(ws, id);
    const known = Object.values(report).flatMap((n) => Object.keys(n.instances));
    expect(known.sort()).toEqual([...byInstance].sort());
    expect(Object.values(report).flatMap((n) => Object.values(n.instances)).every((i) => i.state === 'ready')).toBe(true);
  });

  it('destroy --wait killed twice while containers are being stopped, then resumed, leaves nothing', async () => {
    const rand = seededRandom(SEED + 1);
    const kills: Array<{ delayMs: number; killed: boolean; left: number }> = [];
    for (let round = 1; round <= 2; round++) {
      // containers stop within stop_timeout (2 s): kill the CLI somewhere inside that window
      const delayMs = Math.floor(rand() * 1500);
      const { killed } = await runAndKill(['destroy', id, '--wait'], 'kill', 1, delayMs);
      kills.push({ delayMs, killed, left: (await containersOf(id)).length });
    }
    console.info(`[e2e] destroy kills: ${JSON.stringify(kills)}`);
    expect(kills[0].killed).toBe(true);
    const started = Date.now();
    const final = ws.cli(['destroy', id, '--wait', '--timeout', '60']);
    expect(final.code, explain(final)).toBe(0);
    console.info(`[e2e] resumed destroy finished in ${Date.now() - started} ms`);
    expect(await containersOf(id)).toEqual([]);
    const report = statusJson(ws, id);
    expect(Object.values(report).map((n) => n.scaling.actual)).toEqual([0, 0]);
  });
});
