import type { Probe } from '../driver.js';
import { isReefError } from '../errors.js';
import { describeTarget } from '../ssh/connect.js';
import { sshExec } from '../ssh/exec.js';
import type { SshTarget } from '../ssh/types.js';
import type { HealthCheck } from './types.js';

export interface SshCheckConfig {
  command: string;
  /** default 0 */
  expect_exit?: number;
  /** how to reach the instance; the runner passes HealthCheckDeps.ssh. */
  connection?: SshTarget;
  /** connect + command bound; default 10000 ms. */
  timeoutMs?: number;
}

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

/** reef's own check: a command run over SSH must exit with `expect_exit`. Connection problems are failed probes. */
export const sshCheck: HealthCheck<SshCheckConfig> = {
  kind: 'ssh',
  async check({ config }, ctx): Promise<Probe[]> {
    const expected = config.expect_exit ?? 0;
    const name = 'ssh';
    if (!config.connection) {
      return [{ name, ok: false, detail: `ssh "${config.command}": no SSH access configured for this instance` }];
    }
    const timeoutMs = config.timeoutMs ?? 10_000;
    const where = describeTarget(config.connection);
    try {
      const res = await sshExec({ readyTimeoutMs: timeoutMs, ...config.connection }, config.command, ctx, { timeoutMs });
      const ok = res.code === expected;
      const why = ok ? '' : ` (expected ${expected})${lastLine(res.stderr || res.stdout) ? `: ${lastLine(res.stderr || res.stdout)}` : ''}`;
      return [{ name, ok, detail: `ssh "${config.command}" on ${where}: exit ${res.code}${why}` }];
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const message = isReefError(err) ? err.message : String(err);
      return [{ name, ok: false, detail: `ssh "${config.command}" on ${where}: ${message}` }];
    }
  },
};
