// The page's only way to the server: the /v1 API with the bearer token kept in sessionStorage. The event
// stream is read with fetch (EventSource cannot send an Authorization header) and resumes with Last-Event-ID.
const KEY = 'reef.token';

export function takeTokenFromUrl() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + location.search); // keep it out of history and screenshots
}

export const token = () => sessionStorage.getItem(KEY);
export const setToken = (t) => sessionStorage.setItem(KEY, t);
export const forgetToken = () => sessionStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
    this.unauthorized = status === 401;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) throw new ApiError('the token was refused', 401);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(data.message || `${method} ${path}: HTTP ${res.status}`, res.status);
  return data;
}

/** every event of one infra, oldest first (bounded: at most 20 pages of 1000) */
export async function infraEvents(infraId) {
  const all = [];
  let after = 0;
  for (let page = 0; page < 20; page++) {
    const { events } = await api(`/v1/infras/${encodeURIComponent(infraId)}/events?follow=false&limit=1000&after=${after}`);
    all.push(...events);
    if (events.length < 1000) break;
    after = events[events.length - 1].seq;
  }
  return all;
}

/** follows GET /v1/events from `after`, calling onEvent for each; reconnects with backoff until stopped */
export function follow(after, onEvent, onState) {
  let lastSeq = after;
  let stream;
  let stopped = false;
  (async () => {
    for (let attempt = 0; !stopped; attempt++) {
      stream = new AbortController();
      try {
        const res = await fetch('/v1/events', { headers: { authorization: `Bearer ${token()}`, accept: 'text/event-stream', 'last-event-id': String(lastSeq) }, signal: stream.signal });
        if (res.status === 401) return onState('unauthorized');
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState('live');
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
            onEvent(e);
          }
        }
      } catch {
        if (stopped) return;
      }
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, Math.min(10000, 500 * 2 ** Math.min(attempt, 5))));
    }
  })();
  return () => { stopped = true; stream?.abort(); };
}
