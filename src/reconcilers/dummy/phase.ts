/**
 * Phases and health of a simulated resource, derived from its timestamps on every read, so the cloud needs no
 * background timer: created_at + boot_delay → running; + die_after → failed. A stored phase (killed, stopped
 * out of band) overrides the clock.
 */
import type { Observation, Phase, Probe } from '../driver.js';
import type { CloudRow } from './cloud-db.js';

export interface Lifecycle {
  phase: Phase;
  reason?: string;
  /** when it started running (epoch ms), if it did. */
  runningSince?: number;
}

export function lifecycleOf(row: CloudRow, now: number): Lifecycle {
  if (row.phase) return { phase: row.phase, reason: row.reason ?? undefined };
  const runningAt = row.created_at + row.boot_delay;
  // a zero boot delay is running at once, whatever clock the row was written with
  if (row.boot_delay > 0 && now < runningAt) return { phase: 'pending', reason: 'booting' };
  if (row.die_after !== null && now >= runningAt + row.die_after) {
    return { phase: 'failed', reason: `simulated death ${row.die_after} ms after boot` };
  }
  return { phase: 'running', runningSince: runningAt };
}

export function observationOf(row: CloudRow, now: number, endpoint: string): Observation {
  const { phase, reason } = lifecycleOf(row, now);
  const obs: Observation = {
    exists: true,
    ref: { driver: 'dummy', endpoint, id: row.id },
    phase,
    addresses: { ip: row.ip, privateIp: row.ip },
    labels: { infra: row.infra, node: row.node, instance: row.instance_id, ...(row.spec_hash ? { specHash: row.spec_hash } : {}) },
  };
  if (reason !== undefined) obs.reason = reason;
  return obs;
}

/** The simulation's answer to a health check: one probe named 'simulated'. */
export function healthOf(row: CloudRow | undefined, now: number, id: string): Probe {
  const name = 'simulated';
  if (!row) return { name, ok: false, detail: `${id}: no such resource` };
  const life = lifecycleOf(row, now);
  if (life.phase !== 'running') {
    return { name, ok: false, detail: `${id} (${row.ip}) is ${life.phase}${life.reason ? `: ${life.reason}` : ''}` };
  }
  if (row.unhealthy === 1) return { name, ok: false, detail: `${id} (${row.ip}) is marked unhealthy` };
  if (row.unhealthy_after !== null && now >= life.runningSince! + row.unhealthy_after) {
    return { name, ok: false, detail: `${id} (${row.ip}) unhealthy since ${row.unhealthy_after} ms after boot` };
  }
  return { name, ok: true, detail: `${id} (${row.ip}) answers` };
}
