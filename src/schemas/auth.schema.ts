/** The auth file: `resource:` and `config_management:` lists of `{type, auth_data, <filter keys>}`. */

const entry = {
  type: 'object',
  required: ['type', 'auth_data'],
  properties: {
    type: { type: 'string', minLength: 1 },
    auth_data: { type: 'object' },
  },
} as const;

export const authSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    resource: { type: ['array', 'null'], items: entry },
    config_management: { type: ['array', 'null'], items: entry },
  },
  reefMessages: { type: 'an auth file must be a mapping with resource: and config_management: lists, got ${value}' },
} as const;
