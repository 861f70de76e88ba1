/** mulberry32: a small seeded generator, so a failing chaos schedule can be replayed from its seed */
export interface Rng {
  (): number;
  /** an integer in [lo, hi] */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Rng;
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.pick = (items) => items[Math.floor(next() * items.length)]!;
  return next;
}

/** REEF_CHAOS_SEED replays a run; otherwise a fresh seed each run (printed by the test). */
export function chaosSeed(): number {
  const given = process.env.REEF_CHAOS_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0) throw new Error(`REEF_CHAOS_SEED must be a non-negative integer, got "${given}"`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
