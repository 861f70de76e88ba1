/** Tables for people, JSON for scripts. No decisions here. */
import type { InstanceRecord, NodeRecord, InfraRecord, EventRecord } from '../state/store.js';

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

export function addressOf(i: Pick<InstanceRecord, 'addresses'>): string {
  return i.addresses.ip ?? i.addresses.privateIp ?? '';
}

/** Occopus's infrastructure report: {NODE: {instances: {ID: {resource_address, state}}, scaling: {...}}} */
export function occopusReport(nodes: NodeRecord[], instances: InstanceRecord[]): Record<string, unknown> {
  const report: Record<string, unknown> = {};
  for (const n of nodes) {
    const mine = instances.filter((i) => i.node === n.name && !i.destroyReason);
    report[n.name] = {
      instances: Object.fromEntries(mine.map((i) => [i.id, { resource_address: addressOf(i) || null, state: i.state, ...(i.lastError ? { error: i.lastError.message } : {}) }])),
      scaling: { actual: mine.length, target: n.target, min: n.min, max: n.max },
    };
  }
  return report;
}

export function infraRows(infras: InfraRecord[], counts: Map<string, { ready: number; total: number }>): Array<Array<string | number>> {
  return infras.map((i) => {
    const c = counts.get(i.id) ?? { ready: 0, total: 0 };
    return [i.id, i.status, i.spec.nodes.length, `${c.ready}/${c.total}`, i.generation, age(i.updatedAt)];
  });
}

export function eventLine(e: EventRecord): string {
  const time = new Date(e.time).toISOString().slice(11, 23);
  const who = [e.node, e.instance].filter(Boolean).join(' ');
  return `${time} ${e.infra}${who ? ` ${who}` : ''}: ${e.message}`;
}

export function eventJson(e: EventRecord): string {
  return JSON.stringify({ seq: e.seq, time: new Date(e.time).toISOString(), infra: e.infra, node: e.node, instance: e.instance, kind: e.kind, from: e.from, to: e.to, message: e.message, ...(e.data ? { data: e.data } : {}) });
}
