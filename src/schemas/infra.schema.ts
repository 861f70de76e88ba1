/**
 * The infrastructure description (Occopus's infra file). Structure only: names, dependency targets, cycles,
 * scaling bounds and node types are checked in compile.ts, where the whole description is known.
 */

/** Occopus's rule for infra_name (case-insensitive); also used for `--id`. */
export const INFRA_NAME_PATTERN = '^[A-Za-z0-9-]{1,63}$';
/** Node names also allow `_`: Occopus's own tutorials use `ping_receiver`. */
export const NODE_NAME_PATTERN = '^[A-Za-z0-9_-]{1,63}$';

export const NAME_RULE = 'use 1 to 63 characters from a-z, 0-9 and -';

const nodeRef = {
  type: ['object', 'string'],
  reefMessages: { type: 'must be a node (*ALIAS) or a node name, got ${value}' },
} as const;

const pair = (items: object) =>
  ({
    minItems: 2,
    maxItems: 2,
    items,
    reefMessages: { minItems: 'must be a pair [A, B] (A depends on B)', maxItems: 'must be a pair [A, B] (A depends on B)' },
  }) as const;

const mapping = {
  if: { type: 'array' },
  then: pair({}),
  else: {
    type: 'object',
    required: ['attributes'],
    properties: { attributes: { type: 'array', ...pair({}) }, synch: { type: 'boolean' } },
    reefMessages: { type: 'must be a pair [SOURCE, DESTINATION] or a mapping {attributes: [SOURCE, DESTINATION]}' },
  },
} as const;

const dependency = {
  if: { type: 'array' },
  then: pair(nodeRef),
  else: {
    type: 'object',
    required: ['connection'],
    properties: {
      connection: { type: 'array', ...pair(nodeRef) },
      mappings: { type: 'array', items: mapping },
    },
    reefMessages: {
      type: 'must be a pair [A, B] or a mapping {connection: [A, B]}, got ${value}',
      required: 'undefined connection: a dependency mapping needs connection: [A, B]',
    },
  },
} as const;

const scaling = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    min: { type: 'integer', minimum: 0 },
    max: { type: 'integer', minimum: 0 },
  },
} as const;

export const nodeSchema = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: {
      type: 'string',
      pattern: NODE_NAME_PATTERN,
      reefMessages: { pattern: 'invalid node name ${value}: use 1 to 63 characters from a-z, 0-9, _ and -' },
    },
    type: { type: 'string', minLength: 1 },
    scaling,
    filter: { type: 'object' },
    variables: { type: ['object', 'null'] },
  },
} as const;

export const infraSchema = {
  type: 'object',
  required: ['infra_name', 'nodes'],
  additionalProperties: false,
  properties: {
    infra_name: {
      type: 'string',
      pattern: INFRA_NAME_PATTERN,
      reefMessages: { pattern: `invalid infra_name \${value}: ${NAME_RULE}` },
    },
    user_id: { type: ['string', 'number'] },
    nodes: { type: 'array', minItems: 1, items: nodeSchema },
    dependencies: { type: ['array', 'null'], items: dependency },
    variables: { type: ['object', 'null'] },
  },
  reefMessages: { type: 'an infrastructure description must be a mapping with infra_name and nodes, got ${value}' },
} as const;
