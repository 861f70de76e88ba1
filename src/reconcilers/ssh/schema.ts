/**
 * The `resource:` section of reef's `ssh` driver: machines that already exist (bare metal, VMs made by hand).
 * An instance claims one free host of the pool; destroying it frees the host again (after `cleanup_command`).
 * Credentials come from the auth file (auth_data `private_key` or `password`, optional `user`) or
 * `private_key_path`.
 */
import type { ResourceSection } from '../../spec/types.js';

export interface SshHostEntry {
  host: string;
  port?: number;
  user?: string;
  /** a label for messages. */
  name?: string;
}

export interface SshResource extends ResourceSection {
  type: 'ssh';
  hosts: Array<SshHostEntry | string>;
  /** default for hosts without their own; then auth_data.user; then root. */
  user?: string;
  /** default 22 */
  port?: number;
  private_key_path?: string;
  /** run on the host when its instance is destroyed, before the host is freed. */
  cleanup_command?: string;
  name?: string;
  /** a name for the pool. Give one if the host list may change: claims are kept per pool. */
  endpoint?: string;
}

const hostEntry = {
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      required: ['host'],
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        user: { type: 'string', minLength: 1 },
        name: { type: 'string' },
      },
    },
  ],
};

export const resourceSchema = {
  $id: 'reef:resource/ssh',
  type: 'object',
  required: ['type', 'hosts'],
  additionalProperties: false,
  properties: {
    type: { const: 'ssh' },
    hosts: { type: 'array', minItems: 1, items: hostEntry },
    user: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    private_key_path: { type: 'string', minLength: 1 },
    cleanup_command: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    endpoint: { type: 'string', minLength: 1 },
  },
} as const;
