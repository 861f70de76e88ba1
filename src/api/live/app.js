// The dashboard: every infra with its state on the left; the selected one in detail (infra.js); the catalog with
// its Deploy form (catalog.js). Follows the event stream and redraws what an event touches. The token comes
// from the login form or #token= in the URL and is kept in sessionStorage only.
import { $, h } from './dom.js';
import { api, follow, forgetToken, infraEvents, setToken, takeTokenFromUrl, token } from './api.js';
import { renderInfra, phaseClass } from './infra.js';
import { renderCatalog, fillDeployForm } from './catalog.js';

const state = {
  view: 'infra', // 'infra' | 'catalog'
  selected: null,
  summaries: new Map(),
  status: null,
  events: [],
  catalog: { entries: [], targets: [] },
  stop: null,
};
const timers = new Map();

function setConnection(s) {
  $('connection').dataset.state = s;
  $('connection').textContent = s;
}

function showLogin(message) {
  $('login').hidden = false;
  $('app').hidden = true;
  $('forget').hidden = true;
  $('login-error').textContent = message || '';
  setConnection('offline');
}

function fail(e) {
  if (e.unauthorized) return showLogin(e.message);
  toast(e.message);
}

function toast(message) {
  const t = $('toast');
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 8000);
}

function drawList() {
  const items = [...state.summaries.values()].sort((a, b) => a.id.localeCompare(b.id));
  $('infra-list').replaceChildren(...(items.length ? items.map((i) => h('li', {},
    h('button', { type: 'button', class: `infra-item${state.view === 'infra' && i.id === state.selected ? ' selected' : ''}`, 'data-infra-item': i.id, 'data-phase': i.phase, onclick: () => select(i.id) },
      h('span', { class: `dot phase-${i.phase}` }), h('span', { class: 'name' }, i.id), h('span', { class: 'muted' }, `${i.ready}/${i.total}`)))) : [h('li', { class: 'muted' }, 'none yet: deploy one from the catalog')]));
  $('show-catalog').classList.toggle('selected', state.view === 'catalog');
}

function drawMain() {
  $('catalog').hidden = state.view !== 'catalog';
  $('detail').hidden = state.view !== 'infra';
  if (state.view === 'infra') {
    $('detail').replaceChildren(state.status && state.status.id === state.selected
      ? renderInfra(state.status, state.events, { scale, destroy: askDestroy })
      : h('p', { class: 'muted' }, state.selected ? 'loading…' : 'no infrastructure selected'));
  }
}

function summaryOf(s) {
  const live = s.instances.filter((i) => !i.destroyReason);
  return { id: s.id, phase: phaseClass(s), ready: live.filter((i) => i.state === 'ready').length, total: live.length };
}

async function refresh(id) {
  try {
    const s = await api(`/v1/infras/${encodeURIComponent(id)}`);
    state.summaries.set(id, summaryOf(s));
    if (id === state.selected) state.status = s;
  } catch (e) {
    if (e.status === 404) state.summaries.delete(id);
    else return fail(e);
  }
  drawList();
  if (id === state.selected) drawMain();
}

function scheduleRefresh(id) {
  if (timers.has(id)) return;
  timers.set(id, setTimeout(() => { timers.delete(id); void refresh(id); }, 150));
}

async function select(id) {
  state.view = 'infra';
  state.selected = id;
  state.status = null;
  state.events = [];
  drawList();
  drawMain();
  try {
    const [events] = await Promise.all([infraEvents(id), refresh(id)]);
    if (state.selected !== id) return;
    // events that arrived on the stream while the history loaded are already in state.events
    const seen = new Set(state.events.map((e) => e.seq));
    state.events = [...events.filter((e) => !seen.has(e.seq)), ...state.events].sort((a, b) => a.seq - b.seq);
    drawMain();
  } catch (e) {
    fail(e);
  }
}

function onEvent(e) {
  if (!state.summaries.has(e.infra)) state.summaries.set(e.infra, { id: e.infra, phase: 'busy', ready: 0, total: 0 });
  if (!state.selected && state.view === 'infra') void select(e.infra);
  if (e.infra === state.selected) state.events.push(e);
  scheduleRefresh(e.infra);
}

async function scale(id, node, by) {
  try {
    await api(`/v1/infras/${encodeURIComponent(id)}/nodes/${encodeURIComponent(node)}/scale`, { method: 'PUT', body: { by } });
    scheduleRefresh(id);
  } catch (e) {
    fail(e);
  }
}

function askDestroy(id) {
  $('destroy-name').textContent = id;
  $('destroy-dialog').dataset.infra = id;
  $('destroy-dialog').showModal();
}

async function destroy(id) {
  try {
    await api(`/v1/infras/${encodeURIComponent(id)}`, { method: 'DELETE' });
    scheduleRefresh(id);
  } catch (e) {
    fail(e);
  }
}

async function showCatalog() {
  state.view = 'catalog';
  drawList();
  drawMain();
  try {
    state.catalog = await api('/v1/catalog');
    $('catalog-body').replaceChildren(renderCatalog(state.catalog, openDeploy));
    $('targets').textContent = state.catalog.targets.length
      ? `targets: ${state.catalog.targets.map((t) => `${t.name} (${t.cloud})`).join(', ')}` : 'no deploy targets are configured';
  } catch (e) {
    fail(e);
  }
}

function openDeploy(entry) {
  const form = $('deploy-form');
  const read = fillDeployForm(form, entry, state.catalog.targets);
  $('deploy-cancel').onclick = () => $('deploy-dialog').close();
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    $('deploy-submit').disabled = true;
    $('deploy-error').textContent = '';
    try {
      const r = await api(`/v1/catalog/${encodeURIComponent(entry.name)}/deploy`, { method: 'POST', body: read() });
      $('deploy-dialog').close();
      state.summaries.set(r.infraid, { id: r.infraid, phase: 'busy', ready: 0, total: 0 });
      await select(r.infraid); // and follow it live: its events arrive on the stream
    } catch (e) {
      if (e.unauthorized) return showLogin(e.message);
      $('deploy-error').textContent = e.message;
    } finally {
      $('deploy-submit').disabled = false;
    }
  };
  $('deploy-dialog').showModal();
}

async function start() {
  if (!token()) return showLogin();
  $('login').hidden = true;
  $('app').hidden = false;
  $('forget').hidden = false;
  let after = 0;
  try {
    const { infras } = await api('/v1/infras');
    for (const i of infras) state.summaries.set(i.id, { id: i.id, phase: i.status === 'active' ? (i.ready === i.total && i.total > 0 ? 'ready' : 'busy') : i.status, ready: i.ready, total: i.total });
    const { events } = await api('/v1/events?follow=false&tail=1');
    if (events.length) after = events[events.length - 1].seq;
  } catch (e) {
    return showLogin(e.unauthorized ? e.message : `cannot reach the server: ${e.message}`);
  }
  drawList();
  infrasRefreshAll();
  if (!state.selected && state.summaries.size) void select([...state.summaries.keys()].sort()[0]);
  else drawMain();
  state.stop = follow(after, onEvent, (s) => (s === 'unauthorized' ? showLogin('the token was refused') : setConnection(s)));
}

function infrasRefreshAll() {
  for (const id of state.summaries.keys()) scheduleRefresh(id);
}

$('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  setToken($('token').value.trim());
  $('token').value = '';
  void start();
});
$('forget').addEventListener('click', () => {
  forgetToken();
  state.stop?.();
  state.summaries.clear();
  state.selected = null;
  showLogin();
});
$('show-catalog').addEventListener('click', () => void showCatalog());
$('destroy-cancel').addEventListener('click', () => $('destroy-dialog').close());
$('destroy-confirm').addEventListener('click', () => {
  $('destroy-dialog').close();
  void destroy($('destroy-dialog').dataset.infra);
});
// ages and the timeline's "now" move without events: a periodic look at the selected infra
setInterval(() => { if (state.selected && state.view === 'infra' && token()) scheduleRefresh(state.selected); }, 5000);
takeTokenFromUrl();
void start();
