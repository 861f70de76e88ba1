/** The cloud's rows in reef's words, for tests and chaos runs (DummyCloud.all, insertOrphan). */
import type { ReefLabels } from '../driver.js';
import type { CloudRow } from './cloud-db.js';

/** What the cloud holds about one resource, in reef's words. */
export interface DummyRecord {
  id: string;
  labels: ReefLabels;
  ip: string;
  createdAt: number;
  bootDelay: number;
  dieAfter?: number;
  unhealthyAfter?: number;
  /** marked unhealthy (by `unhealthy: true` or out of band). */
  unhealthy: boolean;
  /** an out-of-band phase that overrides the time-derived one. */
  phaseOverride?: 'failed' | 'stopped';
  reason?: string;
  flavor?: string;
  image?: string;
}

export function toRecord(r: CloudRow): DummyRecord {
  return {
    id: r.id,
    labels: { infra: r.infra, node: r.node, instance: r.instance_id, ...(r.spec_hash ? { specHash: r.spec_hash } : {}) },
    ip: r.ip,
    createdAt: r.created_at,
    bootDelay: r.boot_delay,
    dieAfter: r.die_after ?? undefined,
    unhealthyAfter: r.unhealthy_after ?? undefined,
    unhealthy: r.unhealthy === 1,
    phaseOverride: r.phase ?? undefined,
    reason: r.reason ?? undefined,
    flavor: r.flavor ?? undefined,
    image: r.image ?? undefined,
  };
}
