/**
 * An in-process copy of one endpoint's rows, so list() of 10,000 resources costs a map walk, not a 30 ms
 * table read. The owner keeps it exact for its own writes and drops it when SQLite's data_version says
 * another connection (another process) committed.
 */
import type { CloudRow } from './cloud-db.js';

export class RowCache {
  private readonly byId = new Map<string, CloudRow>();
  private readonly byInfra = new Map<string, Map<string, CloudRow>>();

  constructor(rows: Iterable<CloudRow>) {
    for (const row of rows) this.put(row);
  }

  get(id: string): CloudRow | undefined {
    return this.byId.get(id);
  }

  rows(infraId?: string): CloudRow[] {
    const source = infraId === undefined ? this.byId : this.byInfra.get(infraId);
    return source ? [...source.values()] : [];
  }

  put(row: CloudRow): void {
    this.byId.set(row.id, row);
    let infra = this.byInfra.get(row.infra);
    if (!infra) this.byInfra.set(row.infra, (infra = new Map()));
    infra.set(row.id, row);
  }

  delete(id: string): void {
    const row = this.byId.get(id);
    if (!row) return;
    this.byId.delete(id);
    const infra = this.byInfra.get(row.infra)!;
    infra.delete(id);
    if (infra.size === 0) this.byInfra.delete(row.infra);
  }
}
