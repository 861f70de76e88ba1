// The live view: asks for the API token (or takes #token= from the URL) and keeps it in sessionStorage, draws
// every infra, and follows GET /v1/events (Server-Sent Events read with fetch, since EventSource cannot send an
// Authorization header), redrawing an infra when one of its events arrives.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const KEY = 'reef.token';
  const MAX_EVENTS = 60;
  const refreshTimers = new Map();
  let lastSeq = 0;
  let stream;

  function takeTokenFromUrl() {
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (!m) return;
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search); // keep it out of history and screenshots
  }

  const token = () => sessionStorage.getItem(KEY);

  async function api(path) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${token()}` } });
    if (res.status === 401) throw Object.assign(new Error('the token was refused'), { unauthorized: true });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  function setConnection(state) {
    $('connection').dataset.state = state;
    $('connection').textContent = state;
  }

  function showLogin(message) {
    $('login').hidden = false;
    $('forget').hidden = true;
    $('login-error').textContent = message || '';
    setConnection('offline');
  }

  function section(id) {
    let s = document.querySelector(`[data-infra="${CSS.escape(id)}"]`);
    if (!s) {
      s = document.createElement('article');
      s.className = 'infra';
      s.dataset.infra = id;
      s.appendChild(document.createElement('h2'));
      s.appendChild(document.createElement('div'));
      $('infras').appendChild(s);
    }
    return s;
  }

  async function refresh(id) {
    try {
      const status = await api(`/v1/infras/${encodeURIComponent(id)}`);
      const s = section(id);
      s.dataset.status = status.status;
      s.dataset.converged = String(status.converged);
      s.querySelector('h2').textContent = `${status.id} `;
      const phase = document.createElement('span');
      phase.className = 'phase';
      phase.textContent = `${status.status}, generation ${status.generation}${status.converged ? ', converged' : ''}`;
      s.querySelector('h2').appendChild(phase);
      s.querySelector('div').replaceChildren(window.reefGraph.render(status));
    } catch (e) {
      if (e.unauthorized) showLogin(e.message);
    }
  }

  function scheduleRefresh(id) {
    if (refreshTimers.has(id)) return;
    refreshTimers.set(id, setTimeout(() => { refreshTimers.delete(id); void refresh(id); }, 150));
  }

  function addEvent(e) {
    const li = document.createElement('li');
    const who = [e.node, e.instance].filter(Boolean).join(' ');
    li.textContent = `${e.time.slice(11, 23)} ${e.infra}${who ? ` ${who}` : ''}: ${e.message}`;
    li.dataset.seq = e.seq;
    $('events').prepend(li);
    while ($('events').children.length > MAX_EVENTS) $('events').lastChild.remove();
  }

  async function follow() {
    for (let attempt = 0; ; attempt++) {
      stream = new AbortController();
      try {
        const res = await fetch('/v1/events', { headers: { authorization: `Bearer ${token()}`, accept: 'text/event-stream', 'last-event-id': String(lastSeq) }, signal: stream.signal });
        if (res.status === 401) return showLogin('the token was refused');
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        setConnection('live');
        attempt = 0;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            buffer = buffer.slice(end + 2);
            if (!data) continue;
            const e = JSON.parse(data);
            lastSeq = e.seq;
            addEvent(e);
            scheduleRefresh(e.infra);
          }
        }
      } catch (e) {
        if (stream.signal.aborted) return;
      }
      setConnection('reconnecting');
      await new Promise((r) => setTimeout(r, Math.min(10000, 500 * 2 ** Math.min(attempt, 5))));
    }
  }

  async function start() {
    if (!token()) return showLogin();
    $('login').hidden = true;
    $('forget').hidden = false;
    try {
      const { infras } = await api('/v1/infras');
      await Promise.all(infras.map((i) => refresh(i.id)));
      const { events } = await api(`/v1/events?follow=false&tail=${MAX_EVENTS}`);
      events.forEach(addEvent);
      if (events.length) lastSeq = events[events.length - 1].seq;
    } catch (e) {
      return showLogin(e.unauthorized ? e.message : `cannot reach the server: ${e.message}`);
    }
    void follow();
  }

  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $('token').value.trim());
    $('token').value = '';
    void start();
  });
  $('forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    stream?.abort();
    $('infras').replaceChildren();
    showLogin();
  });
  // ages and counts that no event touches (a converged infra) still get a periodic look
  setInterval(() => document.querySelectorAll('[data-infra]').forEach((s) => scheduleRefresh(s.dataset.infra)), 10000);
  takeTokenFromUrl();
  void start();
})();
