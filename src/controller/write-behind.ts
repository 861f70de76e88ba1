/**
 * Batches the controller's store writes: instance patches (merged per instance), deletions and events are
 * written in one atomic write per flush (store.writeBatch), a macrotask after the first change. At 10,000 instances this turns
 * ~70,000 transition writes into a few hundred transactions.
 *
 * Crash safety does not depend on this buffer: instance rows are inserted (awaited) before any cloud create,
 * and a lost patch only means a restored machine repeats an idempotent step.
 */
import type { InstancePatch, NewEvent, Store } from '../state/store.js';
import type { Logger } from '../util/log.js';

export class WriteBehind {
  private patches = new Map<string, InstancePatch>();
  /** where a patched row's snapshot is read at the flush: the newest one, once, however many transitions came before */
  private snapshots = new Map<string, () => unknown>();
  private deletions = new Set<string>();
  private events: NewEvent[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(private readonly store: Store, private readonly log: Logger) {}

  /** @param snapshot read when the row is written, for its `snapshot` field (a machine's persisted snapshot) */
  patch(id: string, patch: InstancePatch, snapshot?: () => unknown): void {
    const prev = this.patches.get(id);
    this.patches.set(id, prev ? { ...prev, ...patch } : patch);
    if (snapshot) this.snapshots.set(id, snapshot);
    this.schedule();
  }

  delete(id: string): void {
    this.patches.delete(id);
    this.snapshots.delete(id);
    this.deletions.add(id);
    this.schedule();
  }

  event(e: NewEvent): void {
    this.events.push(e);
    this.schedule();
  }

  /**
   * Reads the pending rows' snapshots now. Called before the machines stop: a stopped machine's snapshot says
   * "stopped", and one restored from it would never move again.
   */
  readSnapshots(): void {
    for (const [id, take] of this.snapshots) {
      const p = this.patches.get(id);
      if (p) this.patches.set(id, { ...p, snapshot: take() });
    }
    this.snapshots = new Map();
  }

  /** Resolves once everything queued so far is in the store; rejects with the store's error if a write failed. */
  async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = this.flushing.then(() => this.writeNow());
    await this.flushing;
    if (this.failure) {
      const e = this.failure;
      this.failure = undefined;
      throw e;
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      if (this.scheduled) this.flush().catch(() => {});
    });
  }

  private async writeNow(): Promise<void> {
    if (this.patches.size === 0 && this.deletions.size === 0 && this.events.length === 0) return;
    const patches = this.patches;
    const deletions = this.deletions;
    const events = this.events;
    this.readSnapshots();
    this.patches = new Map();
    this.deletions = new Set();
    this.events = [];
    try {
      await this.store.writeBatch({ patches: [...patches].map(([id, patch]) => ({ id, patch })), deletions: [...deletions], events });
    } catch (err) {
      // keep what could not be written, so a later flush retries it (a full disk that is freed, a busy lock)
      for (const [id, p] of patches) if (!this.patches.has(id)) this.patches.set(id, p);
      for (const id of deletions) this.deletions.add(id);
      this.events = events.concat(this.events);
      this.failure = err;
      this.log.error({ err }, 'could not write to the state store');
    }
  }
}
