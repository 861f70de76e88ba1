/** reef's own infra endpoints: declarative apply, status, destroy, scale. JSON in, JSON out. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { applyText, destroyInfra, requireScaleInput, scaleNode, type ScaleInput } from '../operations.js';
import { infraSummaries, statusView } from '../../ops/index.js';
import { INFRA_NAME_PATTERN } from '../../schemas/infra.schema.js';
import type { Strategy } from '../../spec/types.js';

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: INFRA_NAME_PATTERN } }, required: ['id'] } as const;
const nodeParams = { type: 'object', properties: { id: { type: 'string' }, node: { type: 'string' } }, required: ['id', 'node'] } as const;

export const applyBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['infra'],
  properties: {
    infra: { type: 'string', minLength: 1, description: 'infrastructure description (Occopus YAML), as text' },
    nodes: { type: 'string', description: 'node definitions (YAML text); default: the ones stored by reef import or PUT /v1/nodedefs' },
    strategy: { type: 'string', enum: ['parallel', 'serial'] },
    auth: {
      anyOf: [{ type: 'string', minLength: 1, maxLength: 100 }, { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 100 } }],
      description: "name(s) of auth entries the operator provided (reef serve --auth FILE); used only toward the entry's own endpoint; never returned",
    },
    authPath: { type: 'string', description: "older form: one of the operator's auth files (reef serve --auth FILE, or in <state dir>/auth/); its contents are never returned" },
  },
} as const;

export const scaleBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    to: { type: 'integer', minimum: 0 },
    by: { type: 'integer' },
    instance: { type: 'string', minLength: 1, description: 'instance id or address to remove' },
  },
} as const;

interface ApplyBody { infra: string; nodes?: string; strategy?: Strategy; auth?: string | string[]; authPath?: string }

export async function v1InfraRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/v1/infras', async () => {
    return { infras: await infraSummaries(ctx.store) };
  });

  app.put<{ Params: { id: string }; Body: ApplyBody }>('/v1/infras/:id', { schema: { params: idParams, body: applyBodySchema } }, async (req) => {
    const put = await applyText(ctx, { ...req.body, id: req.params.id });
    return { infraid: put.infra.id, created: put.created, changed: put.changed, generation: put.infra.generation };
  });

  app.get<{ Params: { id: string } }>('/v1/infras/:id', async (req) =>
    statusView(ctx.store, ctx.controller.statusOf(req.params.id), req.params.id));

  app.delete<{ Params: { id: string } }>('/v1/infras/:id', async (req) => ({ infraid: req.params.id, status: await destroyInfra(ctx, req.params.id) }));

  app.put<{ Params: { id: string; node: string }; Body: ScaleInput }>('/v1/infras/:id/nodes/:node/scale',
    { schema: { params: nodeParams, body: scaleBodySchema } }, async (req) => {
      requireScaleInput(req.body);
      const { node, removed } = await scaleNode(ctx, req.params.id, req.params.node, req.body);
      return { infraid: req.params.id, node: node.name, target: node.target, ...(removed ? { removed } : {}) };
    });
}
