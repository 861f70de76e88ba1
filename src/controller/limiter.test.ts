import { describe, expect, it } from 'vitest';
import { EndpointLimiter } from './limiter.js';
import { TransientError } from '../errors/index.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('EndpointLimiter', () => {
  it('never runs more than `concurrency` calls at once', async () => {
    const limiter = new EndpointLimiter({ concurrency: 3 });
    let active = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const calls = Array.from({ length: 10 }, () =>
      limiter.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((r) => gates.push(r));
        active--;
      }),
    );
    for (let i = 0; i < 20 && gates.length < 10; i++) {
      await tick();
      gates.splice(0).forEach((open) => open());
    }
    await Promise.all(calls);
    expect(peak).toBe(3);
  });

  it('halves the window on throttling and grows it back on success', async () => {
    const limiter = new EndpointLimiter({ concurrency: 8 });
    await expect(limiter.run(async () => { throw new TransientError('REEF_EC2_THROTTLED', 'slow down'); })).rejects.toThrow();
    expect(limiter.limit).toBe(4);
    await expect(limiter.run(async () => { throw new TransientError('REEF_EC2_THROTTLED', 'slow down'); })).rejects.toThrow();
    expect(limiter.limit).toBe(2);
    for (let i = 0; i < 2; i++) await limiter.run(async () => 1);
    expect(limiter.limit).toBe(3);
    for (let i = 0; i < 100; i++) await limiter.run(async () => 1);
    expect(limiter.limit).toBe(8);
  });

  it('a call that hands on its slot early lets the next one start while it finishes', async () => {
    const limiter = new EndpointLimiter({ concurrency: 1 });
    const order: string[] = [];
    let finishFirst!: () => void;
    const first = limiter.run(async (done) => {
      order.push('first: slot');
      done();
      done(); // idempotent: the slot is not freed twice
      await new Promise<void>((r) => (finishFirst = r));
      order.push('first: end');
    });
    const second = limiter.run(async () => { order.push('second: slot'); });
    const third = limiter.run(async () => { order.push('third: slot'); });
    await second;
    await third;
    expect(order).toEqual(['first: slot', 'second: slot', 'third: slot']);
    expect(limiter.active).toBe(0);
    finishFirst();
    await first;
    expect(order.at(-1)).toBe('first: end');
    expect(limiter.active).toBe(0);
  });

  it('other errors do not shrink the window', async () => {
    const limiter = new EndpointLimiter({ concurrency: 4 });
    await expect(limiter.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(limiter.limit).toBe(4);
    expect(limiter.active).toBe(0);
  });
});
