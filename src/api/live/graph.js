// Draws one infra as an SVG graph: a box per node, laid out in columns by dependency level (a node sits one
// column right of the deepest node it depends on), arrows from each dependency to its dependent, and a dot
// per instance coloured by state. Plain DOM, no libraries.
const NS = 'http://www.w3.org/2000/svg';
const W = 190, H = 78, GAP_X = 70, GAP_Y = 22, PAD = 12, SKIP_DROP = 28;

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function levels(nodes) {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const level = new Map();
  const visit = (n, depth) => {
    if (level.has(n.name)) return level.get(n.name);
    if (depth > nodes.length) return 0; // a cycle cannot reach here (the server refuses them); stay bounded anyway
    const deps = (n.dependsOn || []).map((d) => byName.get(d)).filter(Boolean);
    const l = deps.length ? 1 + Math.max(...deps.map((d) => visit(d, depth + 1))) : 0;
    level.set(n.name, l);
    return l;
  };
  nodes.forEach((n) => visit(n, 0));
  return level;
}

export function layout(nodes) {
  const level = levels(nodes);
  const rows = new Map();
  const pos = new Map();
  for (const n of nodes) {
    const l = level.get(n.name);
    const r = rows.get(l) || 0;
    rows.set(l, r + 1);
    pos.set(n.name, { x: PAD + l * (W + GAP_X), y: PAD + r * (H + GAP_Y) });
  }
  const width = PAD * 2 + (Math.max(0, ...level.values()) + 1) * (W + GAP_X) - GAP_X;
  const height = PAD * 2 + Math.max(1, ...rows.values()) * (H + GAP_Y) - GAP_Y;
  // an edge that skips a column is drawn under the boxes between: room for it below the last row
  const skips = nodes.some((n) => (n.dependsOn || []).some((d) => level.has(d) && level.get(n.name) - level.get(d) > 1));
  return { pos, width, height: height + (skips ? SKIP_DROP : 0), level };
}

export function render(status) {
  const { pos, width, height, level } = layout(status.nodes);
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `nodes of ${status.id}` });
  const defs = el('defs');
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
  marker.appendChild(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#57606a' }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  for (const n of status.nodes) {
    for (const d of n.dependsOn || []) {
      const a = pos.get(d), b = pos.get(n.name);
      if (!a || !b) continue;
      let path;
      if (level.get(n.name) - level.get(d) > 1) {
        const x1 = a.x + W * 0.6, y1 = a.y + H, x2 = b.x + W * 0.4, y2 = b.y + H, low = Math.max(y1, y2) + SKIP_DROP;
        path = `M ${x1} ${y1} C ${x1} ${low}, ${x2} ${low}, ${x2} ${y2}`;
      } else {
        const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mid = (x1 + x2) / 2;
        path = `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`;
      }
      svg.appendChild(el('path', { class: 'edge', d: path, 'data-from': d, 'data-to': n.name }));
    }
  }
  for (const n of status.nodes) {
    const p = pos.get(n.name);
    const instances = status.instances.filter((i) => i.node === n.name && !i.destroyReason);
    const state = n.failedReason ? 'failed' : n.ready === n.target && n.actual === n.target ? 'ready' : 'busy';
    const g = el('g', { class: `box ${state}`, transform: `translate(${p.x},${p.y})`, 'data-node': n.name, 'data-ready': n.ready, 'data-target': n.target, 'data-actual': n.actual });
    g.appendChild(el('rect', { width: W, height: H, rx: 6 }));
    g.appendChild(el('text', { class: 'name', x: 10, y: 18 }, n.name));
    g.appendChild(el('text', { x: 10, y: 34 }, `${n.type}`));
    g.appendChild(el('text', { class: 'count', x: 10, y: 50 }, `${n.ready}/${n.target} ready [${n.min}..${n.max}]${n.failedReason ? ' FAILED' : ''}`));
    instances.slice(0, 16).forEach((inst, k) => {
      const c = el('circle', { class: `inst st-${inst.state}`, cx: 14 + k * 11, cy: 64, r: 5, 'data-instance': inst.id, 'data-state': inst.state });
      c.appendChild(el('title', {}, `${inst.id} ${inst.state} ${inst.address || ''}${inst.lastError ? ` — ${inst.lastError.message}` : ''}`));
      g.appendChild(c);
    });
    if (instances.length > 16) g.appendChild(el('text', { x: 14 + 16 * 11, y: 68 }, `+${instances.length - 16}`));
    if (n.failedReason) g.appendChild(el('title', {}, n.failedReason));
    svg.appendChild(g);
  }
  return svg;
}

