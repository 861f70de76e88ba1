import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../controller/clock.js';
import { silentLogger } from '../../util/log.js';
import { portsCheck } from './ports.js';

const ctx = (signal = new AbortController().signal) => ({ signal, log: silentLogger(), clock: systemClock });

async function listen(): Promise<net.Server> {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

describe('ports check', () => {
  let open: net.Server;
  let closedPort: number;
  beforeAll(async () => {
    open = await listen();
    const closed = await listen();
    closedPort = portOf(closed);
    await new Promise((r) => closed.close(r));
  });
  afterAll(() => new Promise((r) => open.close(r)));

  it('reports one probe per port, open and refused', async () => {
    const probes = await portsCheck.check({ target: { ip: '127.0.0.1' }, config: { ports: [portOf(open), closedPort] } }, ctx());
    expect(probes).toEqual([
      { name: `port ${portOf(open)}`, ok: true, detail: `port ${portOf(open)} on 127.0.0.1: open` },
      { name: `port ${closedPort}`, ok: false, detail: `port ${closedPort} on 127.0.0.1: connection refused` },
    ]);
  });

  it('uses the private address when there is no public one', async () => {
    const [probe] = await portsCheck.check({ target: { privateIp: '127.0.0.1' }, config: { ports: [portOf(open)] } }, ctx());
    expect(probe.ok).toBe(true);
  });

  it('fails every port without an address', async () => {
    const probes = await portsCheck.check({ target: {}, config: { ports: [22, 80] } }, ctx());
    expect(probes.map((p) => p.ok)).toEqual([false, false]);
  });

  it('rejects when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await expect(portsCheck.check({ target: { ip: '127.0.0.1' }, config: { ports: [portOf(open)] } }, ctx(ac.signal))).rejects.toThrow(
      'cancelled',
    );
  });
});
