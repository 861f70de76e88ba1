/**
 * Node definition files: `'node_def:TYPE': [implementation, ...]`. The `resource` section is checked here only
 * for `type`; the driver's own schema checks the rest (compile.ts). Contextualisation and config-management
 * sections are checked per `type`.
 */

import { configSchemas } from '../reconcilers/config/schema.js';

const strings = { type: 'array', items: { type: 'string' } } as const;
const scalar = { type: ['string', 'number', 'boolean'] } as const;
const positiveSeconds = { type: 'integer', exclusiveMinimum: 0 } as const;

export const healthCheckSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { const: 'basic' },
    ping: { type: 'boolean' },
    ports: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 } },
    urls: strings,
    mysqldbs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'user', 'pass'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          user: { type: 'string', minLength: 1 },
          pass: { type: ['string', 'number'] },
          // reef: the server's port (Occopus: always 3306)
          port: { type: 'integer', minimum: 1, maximum: 65535 },
        },
      },
    },
    ssh: {
      type: 'object',
      required: ['command'],
      additionalProperties: false,
      properties: { command: { type: 'string', minLength: 1 }, expect_exit: { type: 'integer', minimum: 0 } },
    },
    timeout: positiveSeconds,
    interval: positiveSeconds,
  },
} as const;

/** `{ if type == T then schema }`, requiring `type` in the `if` so a missing type is reported only once. */
const whenType = (type: string, then: object) => ({ if: { required: ['type'], properties: { type: { const: type } } }, then });

export const CONTEXT_TYPES = ['cloudinit', 'docker', 'none'] as const;
export const CONFIG_TYPES = ['shell', 'ansible', 'puppet_solo', 'chef'] as const;

export const contextualisationSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: CONTEXT_TYPES, reefMessages: { enum: `contextualisation type \${value} is not supported: use ${CONTEXT_TYPES.join(', ')}` } },
  },
  allOf: [
    whenType('cloudinit', {
      required: ['context_template'],
      additionalProperties: false,
      properties: { type: {}, context_template: { type: ['string', 'object'] }, attributes: { type: 'object' } },
    }),
    // reef: env and command are optional (the image's defaults apply); env may also be a mapping.
    whenType('docker', {
      additionalProperties: false,
      properties: {
        type: {},
        env: { type: ['array', 'object'], items: scalar, additionalProperties: { anyOf: [scalar, { type: 'null' }] } },
        command: { type: ['string', 'array'], items: scalar },
        context_variables: { type: 'object' },
      },
    }),
    whenType('none', { additionalProperties: false, properties: { type: {} } }),
  ],
} as const;

/** Config managers: each type's own schema (reconcilers/config), without its `$id` so it can be embedded. */
export const configManagementSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: CONFIG_TYPES, reefMessages: { enum: `config_management type \${value} is not supported: use shell, ansible or puppet_solo` } },
  },
  allOf: Object.entries(configSchemas).map(([type, schema]) => {
    const { $id: _id, ...embedded } = schema;
    return whenType(type, embedded);
  }),
};

export const implementationSchema = {
  type: 'object',
  required: ['resource'],
  additionalProperties: false,
  properties: {
    resource: {
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string', minLength: 1 } },
    },
    contextualisation: contextualisationSchema,
    config_management: configManagementSchema,
    health_check: healthCheckSchema,
  },
} as const;

export const NODE_DEF_PREFIX = 'node_def:';

export const nodeDefsSchema = {
  type: 'object',
  patternProperties: {
    '^node_def:.+$': { type: 'array', minItems: 1, items: implementationSchema },
  },
  additionalProperties: false,
  reefMessages: {
    additionalProperties: 'node definitions are named "node_def:TYPE"',
    type: 'a node definition file must be a mapping of "node_def:TYPE" to implementations, got ${value}',
  },
} as const;
