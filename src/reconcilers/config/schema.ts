/** JSON Schemas (ajv) of the `config_management:` sections reef runs, by type. */
const mode = { oneOf: [{ type: 'integer', minimum: 0, maximum: 0o7777 }, { type: 'string', pattern: '^0?[0-7]{3,4}$' }] };

/** How to log in to instances that are not ssh-pool hosts (see connection.ts). */
const connection = {
  user: { type: 'string', minLength: 1 },
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  private_key_path: { type: 'string', minLength: 1 },
};

export const configSchemas = {
  shell: {
    $id: 'reef:config/shell',
    type: 'object',
    required: ['type'],
    additionalProperties: false,
    properties: {
      type: { const: 'shell' },
      ...connection,
      files: {
        type: 'array',
        items: {
          type: 'object',
          required: ['path', 'content'],
          additionalProperties: false,
          properties: { path: { type: 'string', pattern: '^/' }, content: { type: 'string' }, mode },
        },
      },
      scripts: { type: 'array', items: { type: 'string', minLength: 1 } },
      script: { type: 'string', minLength: 1 },
    },
  },
  ansible: {
    $id: 'reef:config/ansible',
    type: 'object',
    required: ['type', 'playbook'],
    additionalProperties: false,
    properties: {
      type: { const: 'ansible' },
      ...connection,
      playbook: { type: 'string', minLength: 1 },
      extra_vars: { type: 'object' },
    },
  },
  puppet_solo: {
    $id: 'reef:config/puppet_solo',
    type: 'object',
    required: ['type', 'manifests'],
    // Occopus's puppet_solo sections may carry an `endpoint`; it is ignored.
    additionalProperties: false,
    properties: {
      type: { const: 'puppet_solo' },
      ...connection,
      endpoint: { type: 'string' },
      manifests: {
        type: ['array', 'string'],
        minItems: 1,
        items: {
          oneOf: [
            { type: 'string', minLength: 1 },
            { type: 'object', required: ['content'], additionalProperties: false, properties: { name: { type: 'string' }, content: { type: 'string' } } },
            { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', minLength: 1 } } },
          ],
        },
      },
      modules: { type: ['array', 'string'], items: { type: 'string', pattern: '^[A-Za-z0-9_]+[-/][A-Za-z0-9_]+$' } },
      // Occopus writes them as a list of one-key mappings (`- dbname: wp`); reef also takes one mapping.
      attributes: { type: ['object', 'array'], items: { type: 'object', minProperties: 1 } },
      workdir: { type: 'string', pattern: '^/' },
    },
  },
} as const;
