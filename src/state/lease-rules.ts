/**
 * Pure lease rules shared by the backends. A lease is renewed by its holder (same epoch), taken over by anyone
 * once expired or absent (new epoch), refused otherwise. A fenced write is allowed only while the lease row
 * still names the fence's holder and epoch: expiry alone does not refuse it (nobody else can have written in
 * that epoch), a take-over or a release does.
 */
import type { Fence, LeaseAuditRecord } from './store.js';

export interface LeaseRow {
  holder: string;
  expires_at: number;
  epoch: number;
}

export interface AuditRow {
  infra_id: string;
  epoch: number;
  holder: string;
  writes: number;
  first_at: number;
  last_at: number;
}

export type LeaseDecision = 'renew' | 'take' | 'refuse';

export function leaseDecision(row: LeaseRow | undefined, holder: string, now: number): LeaseDecision {
  if (!row) return 'take';
  if (row.holder === holder) return 'renew';
  return row.expires_at <= now ? 'take' : 'refuse';
}

/** Why a fenced write must be refused, or undefined when it may go ahead. */
export function fenceProblem(row: LeaseRow | undefined, fence: Fence): string | undefined {
  if (!row) return 'was released';
  if (row.holder !== fence.holder || row.epoch !== fence.epoch) return `was taken over by ${row.holder} (epoch ${row.epoch})`;
  return undefined;
}

export function auditFromRow(r: AuditRow): LeaseAuditRecord {
  return { infraId: r.infra_id, epoch: r.epoch, holder: r.holder, writes: r.writes, firstAt: r.first_at, lastAt: r.last_at };
}
