/**
 * examples/docker-cluster through the CLI: scale workers 2 → 5 → 3 and check with dockerode that exactly those
 * containers exist, labelled, and that the scale-down kept the oldest (youngest go first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from 'dockerode';
import { openSqliteStore } from '../../src/state/sqlite/index.js';
import { containersOf, engine, eventually, example, explain, requireEngine, statusJson, uniqueId, workspace } from './e2e.js';

const ws = workspace();
const id = uniqueId('cluster');

beforeAll(requireEngine);
afterAll(() => ws.cleanup([id]));

const instanceOf = (c: ContainerInfo) => c.Labels['reef.instance'];

/** The workers as Docker has them, checked against `reef status`: same ids, all running, labels complete. */
async function workers(expected: number): Promise<string[]> {
  const containers = await containersOf(id, 'worker');
  for (const c of containers) {
    expect(c.Labels).toMatchObject({ 'reef.infra': id, 'reef.node': 'worker', role: 'worker' });
    expect(c.State).toBe('running');
  }
  const ids = containers.map(instanceOf).sort();
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toHaveLength(expected);
  const report = statusJson(ws, id);
  expect(Object.keys(report.worker.instances).sort()).toEqual(ids);
  expect(Object.values(report.worker.instances).every((i) => i.state === 'ready')).toBe(true);
  expect(report.worker.scaling).toEqual({ actual: expected, target: expected, min: 2, max: 10 });
  return ids;
}

/** The workers in reef's own age order (creation time, then id): the order scale-down keeps them in. */
async function workersOldestFirst(): Promise<string[]> {
  const store = openSqliteStore(ws.state);
  try {
    const live = (await store.listInstances(id)).filter((i) => i.node === 'worker' && !i.destroyReason);
    return live.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((i) => i.id);
  } finally {
    await store.close();
  }
}

describe('docker-cluster scaling end to end', () => {
  let first: string[] = [];
  let five: string[] = [];
  let byAge: string[] = [];

  it('apply --wait: one head and two workers that reach it', async () => {
    const started = Date.now();
    const r = ws.cli(['apply', example('docker-cluster', 'infra.yaml'), '--nodes', example('docker-cluster', 'nodes.yaml'), '--id', id, '--wait']);
    expect(r.code, explain(r)).toBe(0);
    console.info(`[e2e] docker-cluster apply --wait (1 head + 2 workers): ${Date.now() - started} ms`);
    const heads = await containersOf(id, 'head');
    expect(heads).toHaveLength(1);
    expect(heads[0].Labels['reef.instance']).toBe(Object.keys(statusJson(ws, id).head.instances)[0]);
    first = await workers(2);
    const [worker] = await containersOf(id, 'worker');
    const headIp = Object.values(statusJson(ws, id).head.instances)[0].resource_address;
    const logs = await eventually('a worker fetches the head\'s page', async () => {
      const text = ((await engine.getContainer(worker.Id).logs({ stdout: true, stderr: true })) as unknown as Buffer).toString('utf8');
      return text.includes('head of reef-demo at') ? text : undefined;
    }, 10_000, 200);
    expect(logs).not.toContain(`head ${headIp} unreachable`);
  });

  it('scale --to 5 --wait adds three workers and keeps the first two', async () => {
    const started = Date.now();
    const r = ws.cli(['scale', id, 'worker', '--to', '5', '--wait']);
    expect(r.code, explain(r)).toBe(0);
    console.info(`[e2e] docker-cluster scale 2 → 5: ${Date.now() - started} ms`);
    five = await workers(5);
    expect(five).toEqual(expect.arrayContaining(first));
    byAge = await workersOldestFirst();
    expect([...byAge].sort()).toEqual(five);
    expect(byAge.slice(0, 2).sort()).toEqual(first);
  });

  it('scale --to 3 --wait removes the two youngest workers', async () => {
    const started = Date.now();
    const r = ws.cli(['scale', id, 'worker', '--to', '3', '--wait']);
    expect(r.code, explain(r)).toBe(0);
    console.info(`[e2e] docker-cluster scale 5 → 3: ${Date.now() - started} ms`);
    const three = await workers(3);
    // the two from the first apply, and the oldest of the three added at once (reef's store orders a batch
    // created in the same millisecond by instance id)
    expect(three).toEqual(byAge.slice(0, 3).sort());
    expect(three).toEqual(expect.arrayContaining(first));
    // the removed containers are gone, not merely stopped
    expect(await containersOf(id)).toHaveLength(1 + 3);
  });
});
