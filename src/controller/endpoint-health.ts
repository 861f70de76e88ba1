/**
 * Which cloud endpoints of one infra do not answer, since when, and in the cloud's words. An outage belongs to
 * the endpoint, not to each instance: while it lasts, instances waiting on it are held (no retry budget spent, no
 * replacement), and people are told once, when it starts and when it ends. Only a list() decides: it runs every
 * tick for every endpoint, so an outage is seen within a tick and its end too.
 */
import { classOf, type ReefError } from '../errors/index.js';

export interface Outage {
  /** the endpoint as people know it (tcp://127.0.0.1:2375, eu-west-1, ...) */
  endpoint: string;
  since: number;
  code: string;
  /** the cloud's own words, from the last failed call */
  words: string;
}

export class EndpointHealth {
  private readonly down = new Map<string, Outage>();

  /** Records a failed list(); returns the outage if this failure starts one (not for other kinds of failure). */
  failed(key: string, endpoint: string, error: ReefError, now: number): Outage | undefined {
    if (classOf(error) !== 'unreachable') return undefined;
    const known = this.down.get(key);
    const outage = { endpoint, since: known?.since ?? now, code: error.code, words: error.message };
    this.down.set(key, outage);
    return known ? undefined : outage;
  }

  /** Records a list() that answered; returns the outage it ends, if any. */
  answered(key: string): Outage | undefined {
    const outage = this.down.get(key);
    this.down.delete(key);
    return outage;
  }

  isDown(key: string): boolean {
    return this.down.has(key);
  }

  outage(key: string): Outage | undefined {
    return this.down.get(key);
  }
}

export function outageMessage(o: Outage): string {
  return `endpoint ${o.endpoint} unreachable since ${new Date(o.since).toISOString()}: ${o.words}`;
}
