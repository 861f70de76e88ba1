import { describe, expect, it } from 'vitest';
import { attemptKey, decideCreateFailure, isChosen } from './failure.js';
import { unitRandom } from './rng.js';
import { resolveSettings, type DummyResource } from './schema.js';

const settings = (r: Partial<DummyResource>) => resolveSettings({ type: 'dummy', ...r });

describe('unitRandom', () => {
  it('is a pure function of seed and parts, spread over [0, 1)', () => {
    expect(unitRandom(1, 'a', 2)).toBe(unitRandom(1, 'a', 2));
    expect(unitRandom(1, 'a', 2)).not.toBe(unitRandom(2, 'a', 2));
    expect(unitRandom(1, 'a', 2)).not.toBe(unitRandom(1, 'a2'));
    const xs = Array.from({ length: 10_000 }, (_, i) => unitRandom(7, 'x', i));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe('decideCreateFailure', () => {
  it('never fails without fail_create', () => {
    expect(decideCreateFailure(settings({}), 'k', 1)).toBeNull();
  });

  it('with times alone, fails the first N attempts transiently, then never', () => {
    const s = settings({ fail_create: { times: 3 } });
    expect([1, 2, 3, 4, 5].map((n) => decideCreateFailure(s, 'k', n))).toEqual(['transient', 'transient', 'transient', null, null]);
  });

  it('with times and fatal, fails the first N attempts fatally', () => {
    const s = settings({ fail_create: { fatal: 1, times: 1 } });
    expect([1, 2].map((n) => decideCreateFailure(s, 'k', n))).toEqual(['fatal', null]);
  });

  it('draws the kind from the probabilities, fatal first, at about the configured rates', () => {
    const s = settings({ seed: 3, fail_create: { transient: 0.3, fatal: 0.1 } });
    const counts = { transient: 0, fatal: 0, ok: 0 };
    for (let i = 0; i < 10_000; i++) counts[decideCreateFailure(s, `instance:i-${i}`, 1) ?? 'ok']++;
    expect(counts.fatal).toBeGreaterThan(850);
    expect(counts.fatal).toBeLessThan(1150);
    expect(counts.transient).toBeGreaterThan(2750);
    expect(counts.transient).toBeLessThan(3250);
  });

  it('keys attempts per instance by default, per node on request', () => {
    expect(attemptKey(settings({ fail_create: {} }), 'i-1', 'inf', 'w')).toBe('instance:i-1');
    expect(attemptKey(settings({ fail_create: { per: 'node' } }), 'i-1', 'inf', 'w')).toBe('node:inf/w');
  });
});

describe('isChosen', () => {
  it('always applies at probability 1, never at 0, deterministically in between', () => {
    const s = settings({ seed: 5 });
    expect(isChosen(s, 'die', 'i', 1)).toBe(true);
    expect(isChosen(s, 'die', 'i', 0)).toBe(false);
    const picks = Array.from({ length: 100 }, (_, i) => isChosen(s, 'die', `i-${i}`, 0.5));
    expect(Array.from({ length: 100 }, (_, i) => isChosen(s, 'die', `i-${i}`, 0.5))).toEqual(picks);
    expect(picks.filter(Boolean).length).toBeGreaterThan(30);
    expect(picks.filter(Boolean).length).toBeLessThan(70);
  });
});
