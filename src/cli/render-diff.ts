/** `reef diff` and `apply --dry-run` for people: a compact, Terraform-like summary of an InfraDiff. */
import type { InfraDiff, NodeDiff, VariableChange } from '../controller/diff.js';

/** ids listed per node and reason before "… and N more" */
const LIST_MAX = 8;
const SENSITIVE = /secret|passw|token|credential|private|(^|[._-])key$/i;

/** Values of variables whose name says they are secret are not printed (the JSON form masks them too). */
export function maskVariables(changes: VariableChange[]): VariableChange[] {
  return changes.map((c) => (SENSITIVE.test(c.key)
    ? { key: c.key, ...('from' in c ? { from: '(sensitive)' } : {}), ...('to' in c ? { to: '(sensitive)' } : {}) }
    : c));
}

export function diffJson(d: InfraDiff): Record<string, unknown> {
  return { ...d, nodes: d.nodes.map((n) => ({ ...n, variables: maskVariables(n.variables) })) };
}

const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const range = (r: [number, number] | null) => (r ? `[${r[0]}..${r[1]}]` : '');

export function diffText(d: InfraDiff, color = false): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sign = { add: c('32', '+'), remove: c('31', '-'), update: c('33', '~'), none: ' ' };
  if (!d.changed) return `No changes. Infra ${d.infra} matches the file; an apply would change nothing (${d.nodes.map((n) => `${n.name} ${n.ready}/${n.target.to} ready`).join(', ')}).`;

  const head = {
    new: `reef apply would create infra ${d.infra}:`,
    reactivate: `infra ${d.infra} is destroyed; reef apply would create it again (generation ${d.generation.from} → ${d.generation.to}):`,
    update: `reef apply would update infra ${d.infra} (generation ${d.generation.from} → ${d.generation.to}):`,
    unchanged: `infra ${d.infra}: the file is unchanged, but reef apply would change instances:`,
  }[d.status];
  const out = [head, ''];
  if (d.strategy.from && d.strategy.from !== d.strategy.to) out.push(`  ${sign.update} strategy ${d.strategy.from} → ${d.strategy.to}`);
  const width = Math.max(...d.nodes.map((n) => n.name.length));
  for (const n of d.nodes) out.push(...nodeLines(n, width, sign, c));
  const rolled = d.totals.roll ? ` (${d.totals.roll} of them rolled: replaced a batch at a time, as reconciliation does)` : '';
  out.push('', `Plan: ${d.totals.create} to create, ${d.totals.remove} to remove${rolled}.`);
  return out.join('\n');
}

function nodeLines(n: NodeDiff, width: number, sign: Record<NodeDiff['change'], string>, c: (code: string, s: string) => string): string[] {
  const name = n.name.padEnd(width);
  if (n.change === 'none') return [`  ${sign.none} ${name}   unchanged: ${n.ready}/${n.target.to} ready ${range(n.range.to)}`];
  if (n.change === 'remove') return [`  ${sign.remove} ${name}   node removed: ${plural(n.remove.length, 'instance')} to remove`, ...ids(n, 'node removed', c)];
  const lines: string[] = [];
  if (n.change === 'add') {
    lines.push(`  ${sign.add} ${name}   new node: ${plural(n.create, 'instance')} to create ${range(n.range.to)}`);
    return lines;
  }
  const target = n.target.from !== n.target.to ? `target ${n.target.from} → ${n.target.to}` : `target ${n.target.to}`;
  const rangeText = JSON.stringify(n.range.from) !== JSON.stringify(n.range.to) ? `${range(n.range.from)} → ${range(n.range.to)}` : range(n.range.to);
  lines.push(`  ${sign.update} ${name}   ${target}   ${rangeText}`);
  if (n.retry) lines.push(`        node had given up; apply tries again`);
  const fresh = n.create - n.roll;
  if (fresh > 0) lines.push(`      ${c('32', '+')} ${plural(fresh, 'instance')} to create`);
  if (n.definitionChanged) {
    lines.push(`      ${c('33', '~')} ${n.roll ? `${plural(n.roll, 'instance')} to roll` : 'no instance to roll'}: definition changed${n.variables.length ? '; variables:' : ''}`);
    for (const v of maskVariables(n.variables)) lines.push(`          ${v.key}: ${show(v.from)} → ${show(v.to)}`);
  }
  for (const reason of ['scale-down', 'failed'] as const) {
    const count = n.remove.filter((r) => r.reason === reason).length;
    if (count) lines.push(`      ${c('31', '-')} ${plural(count, 'instance')} to remove (${reason === 'failed' ? 'failed; replaced' : 'scale-down'})`, ...ids(n, reason, c));
  }
  return lines;
}

function ids(n: NodeDiff, reason: string, c: (code: string, s: string) => string): string[] {
  const list = n.remove.filter((r) => r.reason === reason).map((r) => r.instance);
  if (!list.length) return [];
  const shown = list.slice(0, LIST_MAX).join(', ');
  return [`          ${c('2', `${shown}${list.length > LIST_MAX ? `, … and ${list.length - LIST_MAX} more` : ''}`)}`];
}
