/**
 * Docker's events stream → onChange(fresh observation). One stream per watch, filtered by the `reef.infra`
 * label; reconnects with bounded backoff when the stream drops and then re-lists, because events sent while
 * disconnected are lost.
 */
import type { CallContext, Observation } from '../driver.js';
import { sleep } from '../../util/clock.js';

export interface WatchDeps {
  /**
   * opens the filtered events stream (docker.getEvents), replaying events since `since` (Docker's
   * `seconds.nanoseconds`), so nothing that happens between watch() and the stream's connection is lost.
   */
  openEvents(signal: AbortSignal, since: string): Promise<NodeJS.ReadableStream>;
  /** a fresh observation of one container ({exists:false} when it is gone). */
  observe(id: string, signal: AbortSignal): Promise<Observation>;
  /** every container the watch covers, after a reconnect. */
  resync(signal: AbortSignal): Promise<Observation[]>;
  onChange(observation: Observation): void;
  /** for a container create() started and inspects itself: that observation, which its start event then uses */
  startedByCreate?(id: string): Promise<Observation | undefined> | undefined;
  absent(id: string): Observation;
}

interface DockerEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string };
  timeNano?: number;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;
const RELEVANT = new Set(['start', 'die', 'destroy', 'oom', 'pause', 'unpause']);

export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
}

/** Docker parses `since` as seconds '.' nanoseconds, the fraction as an integer count: it must have 9 digits. */
export function dockerTimestamp(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const seconds = Math.floor(whole / 1000);
  const nanos = (whole - seconds * 1000) * 1_000_000;
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

export function isRelevant(event: DockerEvent): boolean {
  const action = event.Action ?? event.status ?? '';
  return (event.Type ?? 'container') === 'container' && (RELEVANT.has(action) || action.startsWith('health_status'));
}

export function watchEvents(deps: WatchDeps, ctx: CallContext): () => void {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('watch stopped'));
  if (ctx.signal.aborted) stop();
  else ctx.signal.addEventListener('abort', stop, { once: true });
  // one observation at a time, in event order, so a stale inspect never overtakes a fresh one.
  let chain: Promise<void> = Promise.resolve();
  const emit = (make: () => Promise<Observation | Observation[]>) => {
    chain = chain.then(async () => {
      if (controller.signal.aborted) return;
      const result = await make();
      if (controller.signal.aborted) return;
      for (const o of Array.isArray(result) ? result : [result]) deps.onChange(o);
    }).catch((e: unknown) => {
      if (!controller.signal.aborted) ctx.log.warn({ err: e }, 'docker watch: could not observe after an event');
    });
  };
  // the engine's wall clock, not reef's (possibly simulated) clock: `since` is compared with event times.
  let sinceMs = Date.now();
  const onEvent = (event: DockerEvent) => {
    if (typeof event.timeNano === 'number') sinceMs = Math.max(sinceMs, event.timeNano / 1e6);
    const id = event.Actor?.ID ?? event.id;
    if (!id || !isRelevant(event)) return;
    const action = event.Action ?? event.status;
    const own = action === 'start' ? deps.startedByCreate?.(id) : undefined;
    emit(async () => (action === 'destroy' ? deps.absent(id) : ((await own) ?? deps.observe(id, controller.signal))));
  };

  void (async () => {
    let attempt = 0;
    while (!controller.signal.aborted) {
      try {
        const stream = await deps.openEvents(controller.signal, dockerTimestamp(sinceMs));
        if (attempt > 0) emit(() => deps.resync(controller.signal));
        attempt = 0;
        await consumeLines(stream, controller.signal, onEvent);
        if (!controller.signal.aborted) ctx.log.warn('docker watch: events stream ended; reconnecting');
      } catch (e) {
        if (controller.signal.aborted) break;
        ctx.log.warn({ err: e, attempt }, 'docker watch: events stream failed; reconnecting');
      }
      attempt += 1;
      await sleep(ctx.clock, backoffMs(attempt), controller.signal).catch(() => undefined);
    }
    ctx.signal.removeEventListener('abort', stop);
  })();
  return stop;
}

/** Resolves when the stream ends, rejects when it errors; JSON lines may arrive split across chunks. */
function consumeLines(stream: NodeJS.ReadableStream, signal: AbortSignal, onEvent: (e: DockerEvent) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const finish = (e?: unknown) => {
      signal.removeEventListener('abort', onAbort);
      stream.removeListener('data', onData);
      if (e) reject(e);
      else resolve();
    };
    const onAbort = () => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      finish();
    };
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line) continue;
        try {
          onEvent(JSON.parse(line) as DockerEvent);
        } catch {
          // not an event line (the engine only sends JSON); skip it rather than drop the stream.
        }
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.once('end', () => finish());
    stream.once('close', () => finish());
    stream.once('error', (e) => finish(e));
  });
}
