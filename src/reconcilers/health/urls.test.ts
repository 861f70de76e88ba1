import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../controller/clock.js';
import { silentLogger } from '../../util/log.js';
import { urlsCheck } from './urls.js';

const ctx = (signal = new AbortController().signal) => ({ signal, log: silentLogger(), clock: systemClock });

describe('urls check', () => {
  let server: http.Server;
  let base: string;
  const methods: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      methods.push(`${req.method} ${req.url}`);
      if (req.url === '/ok') return res.writeHead(200).end('fine');
      if (req.url === '/down') return res.writeHead(503).end();
      if (req.url === '/get-only') return res.writeHead(req.method === 'HEAD' ? 405 : 204).end();
      if (req.url === '/redirect') return res.writeHead(302, { location: '/ok' }).end();
      // '/hang': never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });

  it('is ok on 2xx (after redirects) and not on 5xx', async () => {
    const probes = await urlsCheck.check({ target: {}, config: { urls: [`${base}/ok`, `${base}/down`, `${base}/redirect`] } }, ctx());
    expect(probes).toEqual([
      { name: `url ${base}/ok`, ok: true, detail: `${base}/ok: HTTP 200` },
      { name: `url ${base}/down`, ok: false, detail: `${base}/down: HTTP 503` },
      { name: `url ${base}/redirect`, ok: true, detail: `${base}/redirect: HTTP 200` },
    ]);
    expect(methods).toContain('HEAD /ok');
  });

  it('retries with GET when HEAD is not allowed', async () => {
    const [probe] = await urlsCheck.check({ target: {}, config: { urls: [`${base}/get-only`] } }, ctx());
    expect(probe).toMatchObject({ ok: true, detail: `${base}/get-only: HTTP 204` });
    expect(methods).toContain('GET /get-only');
  });

  it('times out on a server that never answers', async () => {
    const [probe] = await urlsCheck.check({ target: {}, config: { urls: [`${base}/hang`], timeoutMs: 150 } }, ctx());
    expect(probe).toMatchObject({ ok: false, detail: `${base}/hang: no answer within 150 ms` });
  });

  it('reports a refused connection', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const [probe] = await urlsCheck.check({ target: {}, config: { urls: [`http://127.0.0.1:${port}/`] } }, ctx());
    expect(probe).toMatchObject({ ok: false, detail: `http://127.0.0.1:${port}/: connection refused` });
  });

  it('rejects when the caller aborts mid-request', async () => {
    const ac = new AbortController();
    const pending = urlsCheck.check({ target: {}, config: { urls: [`${base}/hang`], timeoutMs: 10_000 } }, ctx(ac.signal));
    setTimeout(() => ac.abort(new Error('left checking')), 20);
    await expect(pending).rejects.toThrow('left checking');
  });
});
