import { execFile } from 'node:child_process';
import type { Probe } from '../driver.js';
import { describeOutcome, tcpConnect } from './tcp-connect.js';
import { noAddressProbe, targetAddress, type HealthCheck } from './types.js';

export interface PingCheckOptions {
  /** the ping binary; tests point it at a missing file to exercise the fallback. */
  command?: string;
  /** wall-clock bound for the whole ping run; default 3000 ms (`-W 1` normally ends it after ~1 s). */
  timeoutMs?: number;
  /** timeout of the TCP fallback connect; default 2000 ms. */
  fallbackTimeoutMs?: number;
}

type PingRun =
  | { kind: 'reply' }
  | { kind: 'no-reply'; detail: string }
  | { kind: 'unavailable'; detail: string };

/** ping exits 1 for "no reply", 2 for other errors; a missing binary or a missing raw-socket permission is 'unavailable'. */
function runPing(command: string, addr: string, timeoutMs: number, signal: AbortSignal): Promise<PingRun> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', '1', '-W', '1', addr], { timeout: timeoutMs, signal }, (err, _stdout, stderr) => {
      if (!err) return resolve({ kind: 'reply' });
      if (signal.aborted) return reject(signal.reason);
      const e = err as { code?: string | number; killed?: boolean };
      const text = String(stderr).trim().split('\n')[0] ?? '';
      if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EPERM') {
        return resolve({ kind: 'unavailable', detail: `${command}: ${e.code}` });
      }
      if (/not permitted|permission denied/i.test(text)) return resolve({ kind: 'unavailable', detail: text });
      if (e.killed) return resolve({ kind: 'no-reply', detail: `no reply within ${timeoutMs} ms` });
      if (e.code === 1) return resolve({ kind: 'no-reply', detail: 'no reply' });
      resolve({ kind: 'no-reply', detail: text || `ping exited with ${String(e.code)}` });
    });
  });
}

/**
 * Occopus's ping: `ping -c 1 -W 1 ADDR`, ok on exit 0.
 *
 * Fallback: containers and unprivileged hosts often have no `ping` binary or no permission to open a raw ICMP
 * socket. Then we TCP-connect to port 7 (echo) instead: any answer, including "connection refused", proves the
 * host is up and routable; only a timeout or an unreachable/unresolvable host counts as down. The probe detail
 * says when the fallback was used.
 */
export function createPingCheck(opts: PingCheckOptions = {}): HealthCheck<Record<string, never>> {
  const command = opts.command ?? 'ping';
  const timeoutMs = opts.timeoutMs ?? 3000;
  const fallbackTimeoutMs = opts.fallbackTimeoutMs ?? 2000;
  return {
    kind: 'ping',
    async check({ target }, ctx): Promise<Probe[]> {
      const addr = targetAddress(target);
      if (!addr) return [noAddressProbe('ping')];
      const run = await runPing(command, addr, timeoutMs, ctx.signal);
      if (run.kind === 'reply') return [{ name: 'ping', ok: true, detail: `ping ${addr}: reply` }];
      if (run.kind === 'no-reply') return [{ name: 'ping', ok: false, detail: `ping ${addr}: ${run.detail}` }];
      const outcome = await tcpConnect(addr, 7, fallbackTimeoutMs, ctx.signal);
      const answered = outcome.kind === 'open' || (outcome.kind === 'error' && outcome.code === 'ECONNREFUSED');
      const how = `TCP port 7 ${describeOutcome(outcome, fallbackTimeoutMs)}; ping unavailable (${run.detail})`;
      return [{ name: 'ping', ok: answered, detail: `ping ${addr}: ${answered ? 'reachable' : 'unreachable'} (${how})` }];
    },
  };
}

export const pingCheck = createPingCheck();
