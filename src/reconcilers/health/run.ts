import type { Addresses, CallContext, Probe } from '../driver.js';
import type { HealthCheckSection } from '../../spec/types.js';
import type { SshTarget } from '../ssh/types.js';
import { mysqldbsCheck } from './mysqldbs.js';
import { pingCheck } from './ping.js';
import { portsCheck } from './ports.js';
import { sshCheck } from './ssh.js';
import { urlsCheck } from './urls.js';

export interface HealthCheckDeps {
  /** how to reach the instance for the `ssh` check (host already set to the instance's address). */
  ssh?: SshTarget;
}

/**
 * Runs every check the section enables, Occopus's order: ping (on unless `ping: false`, as in Occopus),
 * ports, urls, ssh, mysqldbs. Unlike Occopus it does not stop at the first failure: all probes are returned,
 * so a status shows every reason at once. The groups run concurrently; each bounds its own I/O.
 * The instance is healthy iff every probe is ok (see `isHealthy`). Throws only when ctx.signal aborts.
 */
export async function runHealthChecks(
  section: HealthCheckSection,
  target: Addresses,
  ctx: CallContext,
  deps: HealthCheckDeps = {},
): Promise<Probe[]> {
  const groups: Array<Promise<Probe[]>> = [];
  if (section.ping ?? true) groups.push(pingCheck.check({ target, config: {} }, ctx));
  if (section.ports?.length) groups.push(portsCheck.check({ target, config: { ports: section.ports } }, ctx));
  if (section.urls?.length) groups.push(urlsCheck.check({ target, config: { urls: section.urls } }, ctx));
  if (section.ssh) groups.push(sshCheck.check({ target, config: { ...section.ssh, connection: deps.ssh } }, ctx));
  if (section.mysqldbs?.length) groups.push(mysqldbsCheck.check({ target, config: { mysqldbs: section.mysqldbs } }, ctx));
  const results = await Promise.all(groups);
  return results.flat();
}

export function isHealthy(probes: Probe[]): boolean {
  return probes.every((p) => p.ok);
}
