/** The tick queue on xstate's SimulatedClock: no real timer is waited on, only setImmediate turns. */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { TickQueue } from './tick-queue.js';
import type { ReconcileResult } from './requeue.js';
import { TransientError } from '../errors/index.js';

const turn = () => new Promise((r) => setImmediate(r));
const settle = async () => { for (let i = 0; i < 5; i++) await turn(); };

function queue(results: Array<ReconcileResult | Error>, opts: { block?: Promise<void> } = {}) {
  const clock = new SimulatedClock();
  const runs: number[] = [];
  const reports: string[] = [];
  const delays: number[] = [];
  let i = 0;
  const q = new TickQueue({
    clock: { now: () => clock.now(), setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (id) => clock.clearTimeout(id as never) },
    policy: { resyncMs: 10_000, backoff: { baseMs: 100, maxMs: 800 } },
    rand: () => 1,
    reconcile: async () => {
      runs.push(clock.now());
      if (opts.block) await opts.block;
      const r = results[Math.min(i++, results.length - 1)];
      if (r instanceof Error) throw r;
      return r;
    },
    report: (r) => reports.push(r.kind),
    onScheduled: (ms) => delays.push(ms),
  });
  return { q, clock, runs, reports, delays };
}

describe('TickQueue', () => {
  it('comes back when the result says: requeue after T, then resync when done', async () => {
    const t = queue([{ kind: 'requeue', afterMs: 50 }, { kind: 'done' }]);
    t.q.request();
    await settle();
    expect(t.runs).toEqual([0]);
    t.clock.increment(49);
    await settle();
    expect(t.runs).toEqual([0]);
    t.clock.increment(1);
    await settle();
    expect(t.runs).toEqual([0, 50]);
    expect(t.delays).toEqual([50, 10_000]);
    t.q.stop();
  });

  it('a thrown error backs off exponentially, is reported once, and the recovery once', async () => {
    const down = new TransientError('REEF_STATE_WRITE', 'database is locked');
    const t = queue([down, down, down, down, down, { kind: 'done' }]);
    t.q.request();
    await settle();
    for (const ms of [100, 200, 400, 800, 800]) {
      // machines keep asking for ticks while it fails: the backoff wins
      t.q.request();
      await settle();
      t.clock.increment(ms);
      await settle();
    }
    expect(t.runs).toEqual([0, 100, 300, 700, 1500, 2300]);
    expect(t.delays).toEqual([100, 200, 400, 800, 800, 10_000]);
    expect(t.reports).toEqual(['error', 'recovered']);
    expect(t.q.failures).toBe(0);
    t.q.stop();
  });

  it('wake() cuts a backoff short (a person changed the infra)', async () => {
    const t = queue([new TransientError('REEF_X', 'no'), { kind: 'done' }]);
    t.q.request();
    await settle();
    expect(t.delays).toEqual([100]);
    t.q.wake();
    await settle();
    expect(t.runs).toEqual([0, 0]);
    t.q.stop();
  });

  it('requests during a reconcile collapse into one more', async () => {
    let release!: () => void;
    const t = queue([{ kind: 'done' }], { block: new Promise<void>((r) => { release = r; }) });
    t.q.request();
    await settle();
    for (let i = 0; i < 100; i++) t.q.request();
    release();
    await settle();
    expect(t.runs).toHaveLength(2);
    t.q.stop();
  });

  it('stop() cancels the timer: nothing runs afterwards', async () => {
    const t = queue([{ kind: 'requeue', afterMs: 10 }]);
    t.q.request();
    await settle();
    t.q.stop();
    t.clock.increment(1000);
    await settle();
    expect(t.runs).toHaveLength(1);
  });
});
