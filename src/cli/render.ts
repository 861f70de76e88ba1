/** Text for people, from the same views the API returns (src/ops/views.ts), so local and --server output agree. */
import type { EventRecord } from '../state/store.js';
import type { InfraStatusView, InfraSummaryView } from '../ops/views.js';

/**
 * kubectl-style columns: linear in the number of rows (cli-table3's layout took 9.6 s for 10,000 rows),
 * and each row stays one line that grep and awk can read.
 */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map(String));
  const widths = head.map((h, c) => cells.reduce((w, r) => Math.max(w, (r[c] ?? '').length), h.length));
  const line = (r: string[]) => r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c]))).join('   ').trimEnd();
  const bold = process.stdout.isTTY && !process.env.NO_COLOR;
  const header = line(head);
  return [bold ? `\x1b[1m${header}\x1b[22m` : header, ...cells.map(line)].join('\n');
}

export function age(from: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - from) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** `reef status`: one row per infra. */
export function infrasTable(infras: InfraSummaryView[]): string {
  if (!infras.length) return 'no infrastructures';
  const rows = table(['INFRA', 'STATUS', 'NODES', 'READY', 'GEN', 'UPDATED'],
    infras.map((i) => [i.id, i.broken ? 'BROKEN' : i.status, i.nodes, i.broken ? '?' : `${i.ready}/${i.total}`, i.generation, age(Date.parse(i.updatedAt))]));
  const broken = infras.filter((i) => i.broken).map((i) => `${i.id} is broken: ${i.broken}`);
  return [rows, ...broken].join('\n');
}

/** The list as `reef status -o json` prints it, locally and with --server. */
export function infraListJson(infras: InfraSummaryView[]): { infrastructures: Array<Record<string, unknown>> } {
  return {
    infrastructures: infras.map((i) => ({ id: i.id, status: i.status, generation: i.generation, ready: i.ready, total: i.total, ...(i.broken ? { broken: i.broken } : {}) })),
  };
}

/** `reef status ID`: one row per instance, then one line per node. */
export function statusTable(s: InfraStatusView): string {
  const order = new Map(s.nodes.map((n, i) => [n.name, i]));
  const rows = [...s.instances]
    .sort((a, b) => (order.get(a.node) ?? 99) - (order.get(b.node) ?? 99) || Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .map((i) => [i.node, i.id, i.destroyReason && i.state !== 'destroying' ? `${i.state} (${i.destroyReason})` : i.state, i.address ?? '', age(Date.parse(i.createdAt)), i.lastError?.message ?? '']);
  const scaling = s.nodes.map((n) => `${n.name} ${n.ready}/${n.target} ready [${n.min}..${n.max}]${n.failedReason ? ` FAILED: ${n.failedReason}` : ''}`);
  return `${table(['NODE', 'INSTANCE', 'STATE', 'ADDRESS', 'AGE', 'LAST ERROR'], rows)}\n${scaling.join('\n')}`;
}

export function eventLine(e: EventRecord): string {
  const time = new Date(e.time).toISOString().slice(11, 23);
  const who = [e.node, e.instance].filter(Boolean).join(' ');
  return `${time} ${e.infra}${who ? ` ${who}` : ''}: ${e.message}`;
}
