// One infra in detail: its graph, per node the scale buttons and its instances (state, address, age, last
// error), the timeline of every instance's states, its events, and Destroy. Rendering only: the handlers
// passed in do the calls.
import { h, age, clock } from './dom.js';
import { render as renderGraph } from './graph.js';
import { render as renderTimeline, legend } from './timeline.js';

export function renderInfra(status, events, on) {
  const destroying = status.status !== 'active';
  const head = h('div', { class: 'infra-head' },
    h('h2', {}, status.id, ' ', h('span', { class: `badge ${phaseClass(status)}`, 'data-phase': phaseClass(status) }, phaseText(status))),
    h('span', { class: 'muted' }, `generation ${status.generation} · ${status.strategy}`),
    h('button', { id: 'destroy', type: 'button', class: 'danger', disabled: destroying, onclick: () => on.destroy(status.id) }, 'Destroy…'));

  const errors = (status.errors || []).map((e) => h('p', { class: 'error' }, typeof e === 'string' ? e : e.message || JSON.stringify(e)));
  const nodes = status.nodes.map((n) => nodeCard(status, n, on, destroying));
  const visible = status.status === 'destroyed' ? [] : nodes;
  return h('article', { class: 'infra', dataset: { infra: status.id, status: status.status, converged: String(status.converged) } },
    head, errors,
    h('section', { class: 'panel' }, h('h3', {}, 'Graph'), h('div', { class: 'graph' }, renderGraph(status))),
    h('section', { class: 'panel' }, h('h3', {}, 'Nodes and instances'), visible.length ? visible : h('p', { class: 'muted' }, 'no nodes')),
    h('section', { class: 'panel', id: 'timeline-panel' }, h('h3', {}, 'Timeline'), h('div', { class: 'timeline-wrap' }, renderTimeline(events, { width: Math.max(560, (document.querySelector('main')?.clientWidth ?? 1000) - 70) })), legend()),
    h('section', { class: 'panel' }, h('h3', {}, 'Events'), eventList(events)));
}

function nodeCard(status, n, on, destroying) {
  const instances = status.instances.filter((i) => i.node === n.name && !i.destroyReason);
  const leaving = status.instances.filter((i) => i.node === n.name && i.destroyReason);
  const scale = (by, label, title) => h('button', {
    type: 'button', class: 'scale', title, 'data-scale': n.name, 'data-by': by,
    disabled: destroying || n.target + by < n.min || n.target + by > n.max, onclick: () => on.scale(status.id, n.name, by),
  }, label);
  return h('div', { class: 'node', dataset: { nodeCard: n.name } },
    h('div', { class: 'node-head' },
      h('strong', {}, n.name), h('span', { class: 'muted' }, n.type),
      h('span', { class: 'count', 'data-ready': n.ready, 'data-target': n.target }, `${n.ready}/${n.target} ready`),
      h('span', { class: 'muted' }, `[${n.min}..${n.max}]`),
      scale(-1, '−', `one fewer ${n.name}`), scale(1, '+', `one more ${n.name}`),
      n.failedReason ? h('span', { class: 'error' }, `failed: ${n.failedReason}`) : null),
    h('table', { class: 'instances' },
      h('thead', {}, h('tr', {}, ['instance', 'state', 'address', 'age', 'last error'].map((c) => h('th', {}, c)))),
      h('tbody', {}, [...instances, ...leaving].map((i) => h('tr', { 'data-instance': i.id, 'data-state': i.state },
        h('td', { class: 'mono' }, i.id),
        h('td', {}, h('span', { class: `dot st-${i.state}` }), ` ${i.state}${i.destroyReason ? ` (${i.destroyReason})` : ''}`),
        h('td', { class: 'mono' }, i.address || '—'),
        h('td', {}, age(i.ageS)),
        h('td', { class: i.lastError ? 'error' : 'muted' }, i.lastError ? `${i.lastError.code}: ${i.lastError.message}` : '—'))))));
}

function eventList(events) {
  const shown = events.slice(-80).reverse();
  return h('ol', { id: 'events', reversed: true }, shown.map((e) => h('li', { 'data-seq': e.seq },
    h('span', { class: 'mono muted' }, clock(Date.parse(e.time))), ' ',
    [e.node, e.instance].filter(Boolean).join(' '), e.node || e.instance ? ': ' : '', e.message)));
}

export function phaseClass(s) {
  if (s.status === 'destroyed') return 'destroyed';
  if (s.status === 'destroying') return 'destroying';
  if ((s.failedNodes || []).length) return 'failed';
  return s.converged ? 'ready' : 'busy';
}

function phaseText(s) {
  return { destroyed: 'destroyed', destroying: 'destroying', failed: 'failed', ready: 'ready', busy: 'converging' }[phaseClass(s)];
}
