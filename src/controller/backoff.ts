/** Exponential backoff with full jitter: attempt 1 → up to base, doubling, capped. Pure: jitter comes in as `rand` in [0,1). */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

export function backoffMs(attempt: number, rand: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 60_000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  // half fixed, half jitter: never 0 ms (a retry storm), never more than the ceiling
  return Math.round(ceiling / 2 + (ceiling / 2) * rand);
}
