import { providesConnection, type Addresses, type Driver, type ResourceRef } from '../driver.js';
import type { ConfigManagementSection, ResourceSection } from '../../spec/types.js';
import type { SshResource } from '../ssh/schema.js';
import type { SshHostKeyPolicy, SshTarget } from '../ssh/types.js';

export interface ConnectionInput {
  driver: Driver;
  ref?: ResourceRef;
  /** the rendered resource section */
  resource: ResourceSection;
  addresses: Addresses;
  /** auth_data of the resource section (the ssh driver's hosts) */
  resourceCredentials?: Record<string, unknown>;
  /** auth_data of the config_management section: `user`, `private_key` or `password` */
  configCredentials?: Record<string, unknown>;
  /** the config_management section: may carry `user`, `port`, `private_key_path` */
  config?: ConfigManagementSection;
  /** e.g. the fingerprint recorded in the instance's context, and a callback to record the first one */
  hostKey?: SshHostKeyPolicy;
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * How to log in to an instance for config management and `ssh` health checks. Hosts of the ssh driver use
 * the pool's own settings and pinned host keys; any other instance is reached at its address with the
 * config_management section's user/port/key and its auth_data. undefined when there is no address yet.
 */
export function connectionFor(input: ConnectionInput): SshTarget | undefined {
  if (input.ref && providesConnection(input.driver)) {
    return input.driver.connectionFor(input.ref, input.resource as SshResource, input.resourceCredentials);
  }
  const host = input.addresses.ip ?? input.addresses.privateIp;
  if (!host) return undefined;
  const cfg = input.config ?? { type: 'dummy' };
  const cred = input.configCredentials;
  return {
    host,
    port: typeof cfg.port === 'number' ? cfg.port : undefined,
    user: str(cfg.user) ?? str(cred?.user) ?? 'root',
    privateKey: str(cred?.private_key),
    privateKeyPath: str(cred?.private_key) ? undefined : str(cfg.private_key_path),
    password: str(cred?.password),
    hostKey: input.hostKey,
  };
}
