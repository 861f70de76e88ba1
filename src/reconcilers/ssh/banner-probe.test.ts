import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BannerCache, probeSshBanner } from './banner-probe.js';

const servers: net.Server[] = [];
async function serve(onConnection: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('probeSshBanner', () => {
  it('accepts an SSH greeting, also after other lines', async () => {
    expect(await probeSshBanner('127.0.0.1', await serve((s) => s.write('SSH-2.0-Test\r\n')), 500)).toEqual({ ok: true });
    expect(await probeSshBanner('127.0.0.1', await serve((s) => s.write('hello\r\nSSH-2.0-Test\r\n')), 500)).toEqual({ ok: true });
  });

  it('rejects a server that is not SSH, a silent one, and a closed port', async () => {
    expect(await probeSshBanner('127.0.0.1', await serve((s) => s.end('HTTP/1.1 400\r\n')), 500)).toEqual({
      ok: false, reason: 'connection closed before the SSH greeting',
    });
    expect(await probeSshBanner('127.0.0.1', await serve(() => {}), 100)).toEqual({ ok: false, reason: 'no SSH greeting within 100 ms' });
    const port = await serve(() => {});
    await new Promise((r) => servers.pop()!.close(r));
    expect(await probeSshBanner('127.0.0.1', port, 500)).toEqual({ ok: false, reason: 'ECONNREFUSED' });
  });

  it('caches successes only', async () => {
    const cache = new BannerCache(1000);
    let calls = 0;
    const ok = async () => (calls++, { ok: true as const });
    const bad = async () => (calls++, { ok: false as const, reason: 'down' });
    await cache.get('a', 0, ok);
    await cache.get('a', 500, ok);
    expect(calls).toBe(1);
    await cache.get('a', 1500, ok);
    expect(calls).toBe(2);
    await cache.get('b', 0, bad);
    await cache.get('b', 1, bad);
    expect(calls).toBe(4);
  });
});
