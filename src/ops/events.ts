/** The event log as every surface pages it: after a sequence number, at most `limit`, or only the last `tail`. */
import type { EventRecord, Store } from '../state/store.js';

export interface EventQuery {
  infra?: string;
  afterSeq?: number;
  limit: number;
  tail?: number;
}

export async function eventPage(store: Store, q: EventQuery): Promise<EventRecord[]> {
  let after = q.afterSeq ?? 0;
  if (q.tail !== undefined) {
    const all = await store.listEvents({ infra: q.infra, afterSeq: after, limit: Number.MAX_SAFE_INTEGER });
    after = all.length > q.tail ? all[all.length - q.tail - 1].seq : after;
  }
  return store.listEvents({ infra: q.infra, afterSeq: after, limit: q.limit });
}
