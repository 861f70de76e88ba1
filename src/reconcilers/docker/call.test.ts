import { describe, expect, it } from 'vitest';
import type { Clock } from '../../controller/clock.js';
import { dockerCall, rawStatus } from './call.js';

/** Fires timers only when told to. */
function manualClock() {
  const timers = new Map<number, () => void>();
  let seq = 0;
  const clock: Clock = {
    now: () => 0,
    setTimeout: (fn) => { timers.set(++seq, fn); return seq; },
    clearTimeout: (id) => { timers.delete(id as number); },
  };
  return { clock, fireAll: () => { for (const [id, fn] of [...timers]) { timers.delete(id); fn(); } }, pending: () => timers.size };
}

const never = () => new Promise<never>(() => undefined);

describe('dockerCall', () => {
  it('gives up at its deadline on the injected clock, even when the call ignores the signal', async () => {
    const { clock, fireAll } = manualClock();
    const call = dockerCall({ signal: new AbortController().signal, clock }, 'inspect image x', never, 5000);
    fireAll();
    await expect(call).rejects.toMatchObject({ code: 'REEF_DOCKER_UNREACHABLE', transient: true, message: 'inspect image x: no answer within 5000 ms' });
  });

  it('stops when the caller aborts, and passes the abort to the call', async () => {
    const { clock, pending } = manualClock();
    const outer = new AbortController();
    let seen: AbortSignal | undefined;
    const call = dockerCall({ signal: outer.signal, clock }, 'list', (signal) => { seen = signal; return never(); });
    outer.abort();
    await expect(call).rejects.toMatchObject({ code: 'REEF_DOCKER_ABORTED' });
    expect(seen?.aborted).toBe(true);
    expect(pending()).toBe(0);
  });

  it('classifies failures and keeps the raw status reachable', async () => {
    const { clock, pending } = manualClock();
    const conflict = Object.assign(new Error('(HTTP code 409) unexpected - Conflict.'), { statusCode: 409, json: { message: 'Conflict.' } });
    const error = await dockerCall({ signal: new AbortController().signal, clock }, 'create', () => Promise.reject(conflict)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REEF_DOCKER_CONFLICT', message: 'create: Conflict.' });
    expect(rawStatus(error)).toBe(409);
    expect(pending()).toBe(0);
  });

  it('returns the result', async () => {
    const { clock } = manualClock();
    await expect(dockerCall({ signal: new AbortController().signal, clock }, 'ping', async () => 'OK')).resolves.toBe('OK');
  });
});
