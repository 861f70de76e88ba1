/**
 * What an endpoint outage does to one infra, from each tick's lists: when one starts, people are told once (log,
 * event, and the last error of the instances waiting on it, which is what `reef status` reads from the store);
 * when it ends, they are told once more, and the waiting instances get the outage back on their deadline and
 * retry a call that was waiting out its backoff. The bookkeeping of outages is endpoint-health.ts.
 */
import type { InstanceError, InstanceRecord, NewEvent } from '../state/store.js';
import type { Logger } from '../util/log.js';
import { EndpointHealth, outageMessage, type Outage } from './endpoint-health.js';
import type { Fleet } from './fleet.js';
import type { ObservedCloud } from './observe.js';
import type { RuntimeStatus } from './status.js';
import type { WriteBehind } from './write-behind.js';

export interface OutageDeps {
  fleet: () => Fleet;
  writer: WriteBehind;
  log: Logger;
  event(e: Omit<NewEvent, 'time' | 'infra'>): void;
}

/** The endpoint an instance lives on (where its resource was created, else where it will be). */
export function instanceEndpointKey(rec: InstanceRecord): string {
  return rec.ref ? `${rec.ref.driver}|${rec.ref.endpoint}` : `${rec.driver}|${rec.endpoint}`;
}

export class EndpointOutages {
  readonly health = new EndpointHealth();

  constructor(private readonly deps: OutageDeps) {}

  /** True while the endpoint the instance waits on does not answer. */
  holds(rec: InstanceRecord): boolean {
    return this.health.isDown(instanceEndpointKey(rec));
  }

  /** The instance's last error while its endpoint does not answer. */
  errorFor(rec: InstanceRecord): InstanceError | undefined {
    const outage = this.health.outage(instanceEndpointKey(rec));
    return outage && { code: outage.code, message: outageMessage(outage), transient: true };
  }

  /**
   * Endpoint outages from this tick's lists: told once when one starts and once when it ends. The status carries
   * "endpoint X unreachable since T: <the cloud's words>" for as long as it lasts.
   */
  note(observed: ObservedCloud, now: number): RuntimeStatus['errors'] {
    for (const key of observed.listed) {
      const ended = this.health.answered(key);
      if (ended) this.onBack(key, ended, now);
    }
    return observed.errors.map((e) => {
      const started = this.health.failed(e.key, e.endpoint, e.error, now);
      if (started) this.onDown(e.key, started);
      const outage = this.health.outage(e.key);
      return outage
        ? { endpoint: e.endpoint, code: e.code, message: outageMessage(outage), since: outage.since }
        : { endpoint: e.endpoint, code: e.code, message: e.message };
    });
  }

  private onDown(key: string, outage: Outage): void {
    const message = outageMessage(outage);
    this.deps.log.warn({ endpoint: outage.endpoint, code: outage.code }, `${message} (instances waiting on it are held, not replaced)`);
    this.deps.event({ kind: 'endpoint.unreachable', message, data: { endpoint: outage.endpoint, code: outage.code } });
    // what `reef status` shows from the store alone, on the instances that wait on the endpoint
    const lastError = { code: outage.code, message, transient: true };
    for (const t of this.deps.fleet().all()) {
      if (instanceEndpointKey(t.rec) !== key || t.rec.state === 'ready' || t.rec.destroyReason) continue;
      t.rec.lastError = lastError;
      this.deps.writer.patch(t.rec.id, { lastError });
    }
  }

  private onBack(key: string, outage: Outage, now: number): void {
    const seconds = Math.round((now - outage.since) / 1000);
    const message = `endpoint ${outage.endpoint} answers again (unreachable for ${seconds} s)`;
    this.deps.log.info({ endpoint: outage.endpoint }, message);
    this.deps.event({ kind: 'endpoint.reachable', message, data: { endpoint: outage.endpoint } });
    for (const t of this.deps.fleet().all()) {
      if (instanceEndpointKey(t.rec) !== key) continue;
      // the outage did not count against its health_check timeout; a call waiting out its backoff goes now
      t.actor.send({ type: 'instance.extend', ms: now - outage.since });
      const s = t.actor.getSnapshot();
      if (s.matches({ creating: 'backoff' }) || s.matches({ contextualising: 'backoff' }) || s.matches({ destroying: 'backoff' })) {
        t.actor.send({ type: 'instance.resume' });
      }
    }
  }
}
