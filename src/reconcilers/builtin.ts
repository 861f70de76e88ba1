/**
 * The drivers reef ships. Schemas are loaded eagerly (validation needs them); driver code lazily, so
 * `reef validate` does not load dockerode or the AWS SDK.
 */
import type { DriverModule } from './registry.js';
import { resourceSchema as dummySchema } from './dummy/schema.js';
import { resourceSchema as dockerSchema } from './docker/schema.js';
import { resourceSchema as ec2Schema } from './ec2/schema.js';
import { resourceSchema as sshSchema } from './ssh/schema.js';
import { resourceSchema as novaSchema } from './nova/schema.js';

export const BUILTIN_DRIVERS: DriverModule[] = [
  { type: 'dummy', resourceSchema: dummySchema, load: async () => (await import('./dummy/index.js')).dummyDriver },
  { type: 'docker', resourceSchema: dockerSchema, load: async () => (await import('./docker/index.js')).dockerDriver },
  { type: 'ec2', resourceSchema: ec2Schema, load: async () => (await import('./ec2/index.js')).ec2Driver },
  { type: 'ssh', resourceSchema: sshSchema, load: async () => (await import('./ssh/index.js')).sshDriver },
  { type: 'nova', resourceSchema: novaSchema, load: async () => (await import('./nova/index.js')).novaDriver },
];

export function builtinResourceSchemas(): Record<string, object> {
  return Object.fromEntries(BUILTIN_DRIVERS.map((m) => [m.type, m.resourceSchema]));
}
