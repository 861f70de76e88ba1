import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../controller/clock.js';
import { silentLogger } from '../../util/log.js';
import { isHealthy, runHealthChecks } from './run.js';

const ctx = () => ({ signal: new AbortController().signal, log: silentLogger(), clock: systemClock });

describe('runHealthChecks', () => {
  let server: net.Server;
  let port: number;
  beforeAll(async () => {
    server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('pings by default, as Occopus does', async () => {
    const probes = await runHealthChecks({}, { ip: '127.0.0.1' }, ctx());
    expect(probes.map((p) => p.name)).toEqual(['ping']);
    expect(isHealthy(probes)).toBe(true);
  });

  it('skips ping when disabled and returns every probe without short-circuiting', async () => {
    const probes = await runHealthChecks(
      { ping: false, ports: [1, port], mysqldbs: [{ name: 'app', user: 'u', pass: 'p', port: 1 }] },
      { ip: '127.0.0.1' },
      ctx(),
    );
    expect(probes.map((p) => [p.name, p.ok])).toEqual([
      ['port 1', false],
      [`port ${port}`, true],
      ['mysqldb app', false],
    ]);
    expect(probes[2].detail).toBe('mysqldb app as u on 127.0.0.1:1: connection refused (server not started yet?)');
    expect(isHealthy(probes)).toBe(false);
  });
});
