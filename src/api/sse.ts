/**
 * A Server-Sent Events stream that follows the store's event log: it polls at a fixed interval (the log is
 * the source of truth, so a restarted server or another process's events are seen too), sends each event with
 * its seq as `id:` (a client resumes with Last-Event-ID), a heartbeat comment when idle, and stops when the
 * client goes away or the server closes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../state/store.js';
import type { Logger } from '../util/log.js';
import { eventView } from './views.js';

const PAGE = 500;
/** pages per poll: a long backlog is sent over several polls, not in one burst */
const PAGES_PER_POLL = 8;

export interface EventStreamOptions {
  store: Store;
  log: Logger;
  infra?: string;
  afterSeq: number;
  pollMs: number;
  heartbeatMs: number;
  /** the set of open streams' closers; the server ends them all before it closes */
  open: Set<() => void>;
}

export function streamEvents(req: FastifyRequest, reply: FastifyReply, o: EventStreamOptions): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  if (req.method === 'HEAD') {
    res.end(); // headers only: a HEAD must not hold a stream open
    return;
  }
  let after = o.afterSeq;
  let lastWrite = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const write = (chunk: string): boolean => {
    lastWrite = Date.now();
    return res.write(chunk);
  };
  // a store that pushes (PostgreSQL NOTIFY, from any replica) wakes the pump at once instead of at the next poll
  let pumping = false;
  let again = false;
  const unwatch = o.store.watch?.((c) => {
    if (c.kind !== 'events' || (o.infra !== undefined && c.infra !== o.infra) || closed) return;
    if (pumping) {
      again = true;
      return;
    }
    clearTimeout(timer);
    void pump();
  });
  const close = () => {
    if (closed) return;
    closed = true;
    unwatch?.();
    clearTimeout(timer);
    o.open.delete(close);
    res.end();
  };
  o.open.add(close);
  req.raw.on('close', close);
  res.on('error', close);

  const pump = async () => {
    pumping = true;
    try {
      for (let page = 0; page < PAGES_PER_POLL && !closed; page++) {
        const batch = await o.store.listEvents({ infra: o.infra, afterSeq: after, limit: PAGE });
        let flowing = true;
        for (const e of batch) flowing = write(`id: ${e.seq}\ndata: ${JSON.stringify(eventView(e))}\n\n`) && flowing;
        if (batch.length > 0) after = batch[batch.length - 1].seq;
        // a slow client: let its socket drain before reading more
        if (batch.length < PAGE || !flowing) break;
      }
      if (!closed && Date.now() - lastWrite >= o.heartbeatMs) write(': heartbeat\n\n');
    } catch (err) {
      // the store may be busy (another writer); the next poll retries from the same seq
      o.log.warn({ err }, 'event stream could not read the event log; retrying');
    }
    pumping = false;
    if (!closed) timer = setTimeout(() => void pump(), again ? 0 : o.pollMs);
    again = false;
  };
  write(`retry: 2000\n: reef events after ${after}\n\n`);
  void pump();
}

/** Where to resume: the Last-Event-ID header (a reconnecting client) wins over `?after=`. */
export function resumePoint(req: FastifyRequest, after: number | undefined): number {
  const header = req.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d+$/.test(value.trim())) return Number(value.trim());
  return after ?? 0;
}
