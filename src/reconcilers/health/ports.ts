import type { Probe } from '../driver.js';
import { describeOutcome, tcpConnect } from './tcp-connect.js';
import { noAddressProbe, targetAddress, type HealthCheck } from './types.js';

export interface PortsCheckConfig {
  ports: number[];
  /** per port; default 2000 ms (Occopus had none: a filtered port blocked for the OS connect timeout). */
  timeoutMs?: number;
}

/** One probe per port: ok when a TCP connect succeeds. All ports are tried in parallel. */
export const portsCheck: HealthCheck<PortsCheckConfig> = {
  kind: 'ports',
  async check({ target, config }, ctx) {
    const host = targetAddress(target);
    const timeoutMs = config.timeoutMs ?? 2000;
    return Promise.all(
      config.ports.map(async (port): Promise<Probe> => {
        const name = `port ${port}`;
        if (!host) return noAddressProbe(name);
        const outcome = await tcpConnect(host, port, timeoutMs, ctx.signal);
        return { name, ok: outcome.kind === 'open', detail: `port ${port} on ${host}: ${describeOutcome(outcome, timeoutMs)}` };
      }),
    );
  },
};
