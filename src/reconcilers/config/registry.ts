import { FatalError } from '../errors.js';
import { ansibleConfigManager } from './ansible.js';
import { puppetSoloConfigManager } from './puppet-solo.js';
import { shellConfigManager } from './shell.js';
import type { ConfigManagementSection } from '../../spec/types.js';
import type { ConfigManager } from './types.js';

/** Occopus's default when a node has no config_management: nothing to do, the node counts as configured. */
export const noopConfigManager: ConfigManager<ConfigManagementSection> = { kind: 'dummy', configure: async () => undefined };

const MANAGERS: Record<string, ConfigManager<ConfigManagementSection>> = {
  shell: shellConfigManager,
  ansible: ansibleConfigManager,
  puppet_solo: puppetSoloConfigManager,
  dummy: noopConfigManager,
};

/** The manager for a `config_management.type`; absent section → the no-op one. Chef and others are refused. */
export function configManagerFor(type: string | undefined): ConfigManager<ConfigManagementSection> {
  if (type === undefined) return noopConfigManager;
  const found = MANAGERS[type];
  if (!found) {
    const known = Object.keys(MANAGERS).join(', ');
    throw new FatalError('REEF_CONFIG_UNKNOWN_TYPE', `config_management type "${type}" is not supported (supported: ${known})`);
  }
  return found;
}
