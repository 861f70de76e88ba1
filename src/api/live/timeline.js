// The timeline: one row per instance the infra ever had, a bar coloured by state from its first event to its
// last (or to now while it lives), built from the infra's instance transition events. Replaced instances keep
// their rows, so a failure and its replacement read left to right. Pure: events in, SVG out.
import { h, s, clock } from './dom.js';

const ROW = 22, LABEL = 200, PAD = 8, AXIS = 22;

/** events (oldest first) → [{id, node, segments: [{state, from, to}], end}] in order of first appearance */
export function instanceHistories(events, now) {
  const rows = new Map();
  for (const e of events) {
    if (!e.instance || !e.to) continue;
    let row = rows.get(e.instance);
    const t = Date.parse(e.time);
    if (!row) {
      row = { id: e.instance, node: e.node || '', segments: [], start: t };
      rows.set(e.instance, row);
      // the state it was in before its first recorded transition
      if (e.from) row.segments.push({ state: e.from, from: t, to: t });
    }
    const last = row.segments[row.segments.length - 1];
    if (last) last.to = t;
    if (last && last.state === e.to) continue;
    row.segments.push({ state: e.to, from: t, to: t });
  }
  for (const row of rows.values()) {
    const last = row.segments[row.segments.length - 1];
    if (last && last.state !== 'gone') last.to = now;
  }
  return [...rows.values()];
}

export function render(events, { now = Date.now(), width = 960 } = {}) {
  const rows = instanceHistories(events, now);
  const height = AXIS + PAD * 2 + Math.max(1, rows.length) * ROW;
  const svg = s('svg', { class: 'timeline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'instance states over time' });
  if (rows.length === 0) {
    svg.appendChild(s('text', { x: PAD, y: AXIS + 14, class: 'empty' }, 'no instance has changed state yet'));
    return svg;
  }
  const t0 = Math.min(...rows.map((r) => r.start));
  const span = Math.max(1000, now - t0);
  const x = (t) => LABEL + ((t - t0) / span) * (width - LABEL - PAD);
  // time axis: about six ticks at a round step
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200].map((v) => v * 1000).find((v) => span / v <= 7) ?? span;
  for (let t = t0; t <= now; t += step) {
    svg.appendChild(s('line', { class: 'tick', x1: x(t), x2: x(t), y1: AXIS - 4, y2: height - PAD }));
    svg.appendChild(s('text', { class: 'tick-label', x: x(t) + 2, y: AXIS - 8 }, t === t0 ? clock(t) : `+${Math.round((t - t0) / 1000)}s`));
  }
  rows.forEach((row, k) => {
    const y = AXIS + PAD + k * ROW;
    const g = s('g', { class: 'tl-row', 'data-instance': row.id, 'data-tl-node': row.node, 'data-states': row.segments.map((seg) => seg.state).join(' ') });
    g.appendChild(s('text', { class: 'tl-label', x: PAD, y: y + 14 }, `${row.node} ${row.id.slice(row.node.length + 1, row.node.length + 9) || row.id}`));
    for (const seg of row.segments) {
      // a failure is often followed by its removal in the same millisecond: it still gets a visible mark
      const w = Math.max(seg.state === 'failed' || seg.state === 'unhealthy' ? 4 : 1, x(seg.to) - x(seg.from));
      g.appendChild(s('rect', { class: `seg st-${seg.state}`, x: x(seg.from), y: y + 3, width: w, height: ROW - 6, rx: 2, 'data-state': seg.state },
        s('title', {}, `${row.id}: ${seg.state} from ${clock(seg.from)} for ${((seg.to - seg.from) / 1000).toFixed(1)} s`)));
    }
    svg.appendChild(g);
  });
  return svg;
}

export const STATES = ['pending', 'creating', 'booting', 'contextualising', 'configuring', 'checking', 'ready', 'unhealthy', 'failed', 'destroying', 'gone'];

export function legend() {
  return h('p', { class: 'legend' }, STATES.map((st) => h('span', {}, h('span', { class: `swatch st-${st}` }), st)));
}
