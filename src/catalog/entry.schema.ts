/** A catalog entry file (`catalog.yaml` beside an example's infra.yaml): what a user sees and may fill in. */
import { INFRA_NAME_PATTERN } from '../schemas/infra.schema.js';

export const VARIABLE_TYPES = ['string', 'integer', 'number', 'boolean'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

const variable = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'default'],
  properties: {
    type: { enum: VARIABLE_TYPES },
    default: { type: ['string', 'number', 'boolean'] },
    description: { type: 'string' },
    label: { type: 'string' },
    min: { type: 'number' },
    max: { type: 'number' },
    enum: { type: 'array', minItems: 1, items: { type: ['string', 'number'] } },
    pattern: { type: 'string', minLength: 1 },
    /** the value is the node's instance count (its scaling target), not a template variable */
    scales: { type: 'string', minLength: 1 },
  },
} as const;

export const entrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'description', 'infra', 'clouds'],
  properties: {
    title: { type: 'string', minLength: 1 },
    description: { type: 'string', minLength: 1 },
    infra: { type: 'string', minLength: 1, description: 'the infrastructure description, relative to the entry file' },
    clouds: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z][a-z0-9_-]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['nodes'],
        properties: {
          nodes: { type: 'string', minLength: 1, description: 'node definitions for this cloud, relative to the entry file' },
          prepare: { type: 'string', description: 'what an operator runs once before the first deploy (e.g. an image build)' },
        },
      },
    },
    variables: { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, additionalProperties: variable },
    size: {
      type: 'object',
      additionalProperties: false,
      properties: {
        cpus: { type: 'number', minimum: 0 },
        memory_mb: { type: 'number', minimum: 0 },
        disk_mb: { type: 'number', minimum: 0 },
        note: { type: 'string' },
      },
    },
  },
} as const;

export const ENTRY_NAME_PATTERN = INFRA_NAME_PATTERN;
