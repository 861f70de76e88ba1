import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../controller/clock.js';
import { silentLogger } from '../../util/log.js';
import { createPingCheck, pingCheck } from './ping.js';

const ctx = (signal = new AbortController().signal) => ({ signal, log: silentLogger(), clock: systemClock });

function fakePing(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'reef-ping-'));
  const file = join(dir, 'ping');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('ping check', () => {
  it('answers for 127.0.0.1 with the system ping', async () => {
    const [probe] = await pingCheck.check({ target: { ip: '127.0.0.1' }, config: {} }, ctx());
    expect(probe).toEqual({ name: 'ping', ok: true, detail: 'ping 127.0.0.1: reply' });
  });

  it('falls back to a TCP connect when the binary is missing (refused port 7 = reachable)', async () => {
    const check = createPingCheck({ command: '/nonexistent/ping' });
    const [probe] = await check.check({ target: { ip: '127.0.0.1' }, config: {} }, ctx());
    expect(probe.ok).toBe(true);
    expect(probe.detail).toMatch(/^ping 127\.0\.0\.1: reachable \(TCP port 7 (connection refused|open); ping unavailable/);
  });

  it('falls back when ping may not open a raw socket', async () => {
    const check = createPingCheck({ command: fakePing('echo "ping: socket: Operation not permitted" >&2; exit 2') });
    const [probe] = await check.check({ target: { ip: '127.0.0.1' }, config: {} }, ctx());
    expect(probe.ok).toBe(true);
    expect(probe.detail).toContain('Operation not permitted');
  });

  it('reports no reply when ping exits 1', async () => {
    const check = createPingCheck({ command: fakePing('exit 1') });
    const [probe] = await check.check({ target: { ip: '127.0.0.9' }, config: {} }, ctx());
    expect(probe).toEqual({ name: 'ping', ok: false, detail: 'ping 127.0.0.9: no reply' });
  });

  it('bounds a ping that hangs', async () => {
    const check = createPingCheck({ command: fakePing('exec sleep 5'), timeoutMs: 200 });
    const [probe] = await check.check({ target: { ip: '127.0.0.1' }, config: {} }, ctx());
    expect(probe).toEqual({ name: 'ping', ok: false, detail: 'ping 127.0.0.1: no reply within 200 ms' });
  });

  it('fails without an address and rejects when aborted', async () => {
    const [probe] = await pingCheck.check({ target: {}, config: {} }, ctx());
    expect(probe.ok).toBe(false);
    const ac = new AbortController();
    ac.abort(new Error('left the state'));
    await expect(pingCheck.check({ target: { ip: '127.0.0.1' }, config: {} }, ctx(ac.signal))).rejects.toThrow('left the state');
  });
});
