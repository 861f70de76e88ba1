/** The event stream over a real loopback socket (inject() waits for a response to end; a stream does not). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, AUTH, fixture, type ApiHarness } from './helpers.js';
import { eventsOf, readFrames } from './sse.js';

let h: ApiHarness;
let url: string;
beforeAll(async () => {
  h = await apiHarness({ events: { pollMs: 20, heartbeatMs: 100 } });
  url = await h.api.listen({ host: '127.0.0.1', port: 0 });
  await h.api.inject({ method: 'PUT', url: '/v1/infras/demo', headers: AUTH, payload: { infra: fixture('infra.yaml'), nodes: fixture('nodes.yaml') } });
  await h.waitFor('demo', (s) => s.converged);
});
afterAll(() => h.close());

const open = (path: string, headers: Record<string, string> = {}) => fetch(url + path, { headers: { ...AUTH, accept: 'text/event-stream', ...headers } });

describe('GET /v1/infras/{id}/events (SSE)', () => {
  it('streams the log with id = seq, then resumes after Last-Event-ID', async () => {
    const all = (await (await fetch(`${url}/v1/infras/demo/events?follow=false&limit=10000`, { headers: AUTH })).json()).events as Array<{ seq: number }>;
    expect(all.length).toBeGreaterThan(10);
    const res = await open('/v1/infras/demo/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const first = eventsOf(await readFrames(res, (f) => eventsOf(f).length >= all.length));
    expect(first.map((f) => Number(f.id))).toEqual(all.map((e) => e.seq));
    expect(first[0].data).toMatchObject({ seq: all[0].seq, infra: 'demo', kind: expect.any(String), message: expect.any(String) });

    const resumeAt = all[5].seq;
    const resumed = eventsOf(await readFrames(await open('/v1/infras/demo/events?after=1', { 'last-event-id': String(resumeAt) }), (f) => eventsOf(f).length >= 3));
    expect(resumed.slice(0, 3).map((f) => Number(f.id))).toEqual(all.slice(6, 9).map((e) => e.seq));
  });

  it('sends new events as they happen and heartbeats when idle', async () => {
    const last = (await (await fetch(`${url}/v1/events?follow=false&tail=1`, { headers: AUTH })).json()).events[0].seq as number;
    const res = await open('/v1/events', { 'last-event-id': String(last) });
    const frames = readFrames(res, (f) => f.some((x) => x.comment === 'heartbeat') && eventsOf(f).some((e) => e.data?.to === 'ready'));
    await h.api.inject({ method: 'PUT', url: '/v1/infras/demo/nodes/worker/scale', headers: AUTH, payload: { by: 1 } });
    const got = await frames;
    expect(eventsOf(got).every((e) => Number(e.id) > last)).toBe(true);
    expect(eventsOf(got).some((e) => e.data?.to === 'ready' && e.data?.node === 'worker')).toBe(true);
  });

  it('refuses without a token, 404s an unknown infra, and the server closes with streams open', async () => {
    expect((await fetch(`${url}/v1/events`)).status).toBe(401);
    expect((await open('/v1/infras/nope/events')).status).toBe(404);
    const res = await open('/v1/events');
    const reading = readFrames(res, () => false, 10_000);
    await h.api.close(); // would hang if the stream were not ended
    const frames = await reading;
    expect(frames.length).toBeGreaterThan(0);
  });
});
