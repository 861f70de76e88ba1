import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../controller/clock.js';
import type { Observation } from '../driver.js';
import { silentLogger } from '../../util/log.js';
import { backoffMs, dockerTimestamp, watchEvents, type WatchDeps } from './watch.js';

class ManualClock implements Clock {
  private t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  now() { return this.t; }
  setTimeout(fn: () => void, ms: number) { this.timers.set(++this.seq, { at: this.t + ms, fn }); return this.seq; }
  clearTimeout(id: unknown) { this.timers.delete(id as number); }
  pending() { return [...this.timers.values()].map((x) => x.at - this.t); }
  advance(ms: number) {
    this.t += ms;
    for (const [id, timer] of [...this.timers]) if (timer.at <= this.t) { this.timers.delete(id); timer.fn(); }
  }
}

const ref = (id: string) => ({ driver: 'docker', endpoint: 'unix:///x', id });
const running = (id: string): Observation => ({ exists: true, ref: ref(id), phase: 'running', addresses: {}, labels: { infra: 'i', node: 'n', instance: id } });
const flush = async () => { for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r)); };

function setup() {
  const streams: PassThrough[] = [];
  const seen: Observation[] = [];
  const deps: WatchDeps = {
    openEvents: vi.fn(async () => { const s = new PassThrough(); streams.push(s); return s; }),
    observe: vi.fn(async (id: string) => running(id)),
    resync: vi.fn(async () => [running('r1'), running('r2')]),
    onChange: (o) => seen.push(o),
    absent: (id) => ({ exists: false, ref: ref(id) }),
  };
  const clock = new ManualClock();
  const outer = new AbortController();
  const stop = watchEvents(deps, { signal: outer.signal, clock, log: silentLogger() });
  return { streams, seen, deps, clock, stop, outer };
}

it('formats Docker timestamps with nine nanosecond digits', () => {
  expect(dockerTimestamp(1_700_000_000_123)).toBe('1700000000.123000000');
  expect(dockerTimestamp(1_700_000_000_004.7)).toBe('1700000000.004000000');
});

describe('watchEvents', () => {
  it("hands on create's own observation for a start it made, and inspects only when there is none", async () => {
    const { streams, seen, deps, stop } = setup();
    const own = running('mine');
    deps.startedByCreate = (id) => (id === 'mine' ? Promise.resolve(own) : id === 'failed' ? Promise.resolve(undefined) : undefined);
    await flush();
    for (const id of ['mine', 'failed', 'other']) streams[0].write(JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: id } }) + '\n');
    await flush();
    expect(seen.map((o) => o.ref.id)).toEqual(['mine', 'failed', 'other']);
    expect(seen[0]).toBe(own);
    expect(vi.mocked(deps.observe).mock.calls.map(([id]) => id)).toEqual(['failed', 'other']);
    stop();
  });

  it('observes each relevant event in order, even when lines are split across chunks', async () => {
    const { streams, seen, deps, stop } = setup();
    await flush();
    const events = [
      { Type: 'container', Action: 'start', Actor: { ID: 'a' } },
      { Type: 'container', Action: 'exec_start: sh', Actor: { ID: 'a' } },
      { Type: 'container', Action: 'health_status: healthy', Actor: { ID: 'b' } },
      { Type: 'container', Action: 'destroy', Actor: { ID: 'c' } },
    ].map((e) => JSON.stringify(e) + '\n').join('');
    streams[0].write(events.slice(0, 30));
    streams[0].write(events.slice(30));
    await flush();
    expect(seen.map((o) => [o.ref.id, o.exists])).toEqual([['a', true], ['b', true], ['c', false]]);
    expect(deps.observe).toHaveBeenCalledTimes(2);
    stop();
  });

  it('reconnects with backoff when the stream drops, then re-lists', async () => {
    const { streams, seen, deps, clock, stop } = setup();
    await flush();
    streams[0].end();
    await flush();
    expect(clock.pending()).toEqual([backoffMs(1)]);
    clock.advance(backoffMs(1));
    await flush();
    expect(deps.openEvents).toHaveBeenCalledTimes(2);
    expect(seen.map((o) => o.ref.id)).toEqual(['r1', 'r2']);
    stop();
  });

  it('backs off more after repeated connection failures, up to a bound', async () => {
    const { deps, clock, stop } = setup();
    await flush();
    (deps.openEvents as ReturnType<typeof vi.fn>).mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const waits: number[] = [];
    // drop the first stream, then each reconnect fails
    const first = (deps.openEvents as ReturnType<typeof vi.fn>).mock.results[0].value as Promise<PassThrough>;
    (await first).destroy(new Error('EPIPE'));
    for (let i = 0; i < 8; i++) {
      await flush();
      waits.push(...clock.pending());
      clock.advance(clock.pending()[0]);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    stop();
  });

  it('stops for good when stopped or when the caller aborts', async () => {
    const { streams, deps, clock, outer } = setup();
    await flush();
    outer.abort();
    await flush();
    streams[0].end();
    await flush();
    expect(clock.pending()).toEqual([]);
    expect(deps.openEvents).toHaveBeenCalledTimes(1);
  });
});
