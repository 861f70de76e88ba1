/**
 * Containers this driver started inside create(): create inspects them after the start anyway, so the events
 * watch hands on that observation for their `start` event instead of inspecting again (one engine call fewer
 * per container). Each entry answers one start event; entries whose event never came (no watch open) expire.
 */
import type { Observation } from '../driver.js';

const KEEP_MS = 60_000;

interface Entry {
  at: number;
  observation: Promise<Observation | undefined>;
}

export class OwnStarts {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes a container about to be started; call the result with create's observation (undefined: it failed). */
  note(id: string): (observation?: Observation) => void {
    const now = this.now();
    for (const [old, e] of this.entries) if (now - e.at > KEEP_MS) this.entries.delete(old);
    let settle!: (o?: Observation) => void;
    const observation = new Promise<Observation | undefined>((resolve) => (settle = resolve));
    this.entries.set(id, { at: now, observation });
    return settle;
  }

  /** create's observation of a container it started within KEEP_MS, once; undefined when there is none. */
  take(id: string): Promise<Observation | undefined> | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    this.entries.delete(id);
    return this.now() - e.at <= KEEP_MS ? e.observation : undefined;
  }
}
