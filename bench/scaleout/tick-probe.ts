/**
 * Loaded into a `reef serve` replica with `node --import` (the bench's only change to the process): times every
 * reconcile tick of every infra the replica holds by wrapping TickQueue's run step, the one place a tick starts
 * and ends, and appends "end-time-ms duration-ms" lines to $REEF_BENCH_TICKS twice a second, with the event
 * loop's longest delay in that half second. The module is the
 * one reef itself loads (same file URL), so the wrap applies to every runtime the replica starts.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TickQueue } from '../../src/controller/tick-queue.js';

const out = process.env.REEF_BENCH_TICKS;
if (out) {
  const proto = TickQueue.prototype as unknown as Record<string, unknown>;
  const run = proto.runOnce;
  if (typeof run !== 'function') {
    appendFileSync(out, 'error TickQueue has no runOnce: the tick probe needs updating\n');
  } else {
    let lines: string[] = [];
    proto.runOnce = async function timed(this: { running?: boolean; stopped?: boolean }, ...args: unknown[]) {
      // a call that finds a reconcile under way (or the queue stopped) returns at once: not a tick
      if (this.running || this.stopped) return (run as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      const t0 = performance.now();
      try {
        return await (run as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      } finally {
        lines.push(`${Date.now()} ${(performance.now() - t0).toFixed(3)}`);
      }
    };
    // the event loop's longest stall in each half second ("loop END-TIME MAX-MS"): what a lease renewal waits for
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const flush = () => {
      if (delay.count > 0) lines.push(`loop ${Date.now()} ${(delay.max / 1e6).toFixed(1)}`);
      delay.reset();
      if (lines.length === 0) return;
      appendFileSync(out, `${lines.join('\n')}\n`);
      lines = [];
    };
    setInterval(flush, 500).unref();
    process.on('exit', flush);
  }
}
