export type { ConfigManager, ConfigureRequest } from './types.js';
export { shellConfigManager, parseMode, type ShellConfig } from './shell.js';
export { ansibleConfigManager, createAnsibleConfigManager, type AnsibleConfig, type AnsibleOptions } from './ansible.js';
export { puppetSoloConfigManager, planPuppetSolo, type PuppetSoloConfig, type PuppetManifest, type PuppetPlan } from './puppet-solo.js';
export { configManagerFor, noopConfigManager } from './registry.js';
export { configSchemas } from './schema.js';
export { connectionFor, type ConnectionInput } from './connection.js';
