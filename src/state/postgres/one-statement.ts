/**
 * Several writes as one SQL statement of data-modifying CTEs, so that a controller's write costs one round trip
 * (no BEGIN … COMMIT around it) and holds its locks only while the statement runs.
 *
 * With a fence, the statement first locks the infra's lease row FOR SHARE and every write is guarded by
 * `EXISTS (SELECT 1 FROM ok)`: it changes nothing unless the row still names the fence's holder and epoch. A
 * take-over updates that row, so it waits for this statement to commit; one that committed first is seen by the
 * lock (READ COMMITTED re-reads a row updated after the snapshot) and the guard fails. The statement answers the
 * lease row it saw, for the caller to tell a refusal (see fenceProblem) from a write.
 */
import type { Fence } from '../store.js';

export class OneStatement {
  readonly params: unknown[] = [];
  private readonly ctes: string[] = [];
  private readonly notify: string[] = [];

  constructor(readonly fence?: Fence) {
    if (!fence) return;
    const infra = this.param(fence.infraId, 'text');
    const holder = this.param(fence.holder, 'text');
    const epoch = this.param(fence.epoch, 'int8');
    const now = this.param(Date.now(), 'int8');
    this.ctes.push(
      `f AS MATERIALIZED (SELECT holder, epoch FROM leases WHERE infra_id = ${infra} FOR SHARE)`,
      `ok AS MATERIALIZED (SELECT 1 FROM f WHERE holder = ${holder} AND epoch = ${epoch})`,
      `audit AS (INSERT INTO lease_audit (infra_id, epoch, holder, writes, first_at, last_at)
                 SELECT ${infra}, ${epoch}, ${holder}, 1, ${now}, ${now} FROM ok
                 ON CONFLICT (infra_id, epoch, holder) DO UPDATE SET writes = lease_audit.writes + 1, last_at = excluded.last_at)`,
    );
  }

  /** A placeholder for `value`, cast to `type` (arrays of rows are passed as one array parameter per column). */
  param(value: unknown, type: string): string {
    this.params.push(value);
    return `$${this.params.length}::${type}`;
  }

  /** A condition every write must carry: true only while the fence (if any) holds. */
  get guard(): string {
    return this.fence ? 'EXISTS (SELECT 1 FROM ok)' : 'TRUE';
  }

  /** One data-modifying statement (INSERT/UPDATE/DELETE) whose WHERE includes `guard`. */
  write(sql: string): void {
    this.ctes.push(`w${this.ctes.length} AS (${sql})`);
  }

  /** NOTIFY on `channel` with `payload` when (and only if) the statement commits with its guard holding. */
  notifyOn(channel: string, payload: string): void {
    this.notify.push(`(${this.param(channel, 'text')}, ${this.param(payload, 'text')})`);
  }

  get empty(): boolean {
    return this.ctes.length === (this.fence ? 3 : 0) && this.notify.length === 0;
  }

  /** The statement; it answers one row: the lease's holder and epoch as locked (nulls without a fence or row). */
  sql(): string {
    const ctes = [...this.ctes];
    // a SELECT in WITH runs only when read: the main query reads it
    if (this.notify.length) ctes.push(`notes AS (SELECT pg_notify(c, p) FROM (VALUES ${this.notify.join(', ')}) AS v(c, p) WHERE ${this.guard})`);
    const notes = this.notify.length ? '(SELECT count(*) FROM notes)' : '0';
    const lease = this.fence ? '(SELECT holder FROM f) AS holder, (SELECT epoch FROM f) AS epoch' : 'NULL::text AS holder, NULL::int8 AS epoch';
    return `${ctes.length ? `WITH ${ctes.join(',\n')}\n` : ''}SELECT ${lease}, ${notes} AS notified`;
  }
}
