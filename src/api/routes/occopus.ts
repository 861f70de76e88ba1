/**
 * Occopus's REST endpoints (occopus-rest-service), so existing clients keep working. Same paths and response
 * bodies; unlike Occopus, errors come with their real HTTP status. Scaling is applied by the controller at once
 * (Occopus queued it for the next maintenance pass).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { applyText, destroyInfra, requireNodes, scaleNode } from '../operations.js';
import { occopusReport } from '../views.js';
import { apiError } from '../errors.js';

const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const nodeParams = { type: 'object', properties: { id: { type: 'string' }, node: { type: 'string' }, count: { type: 'integer', minimum: 0 }, target: { type: 'string' } }, required: ['id', 'node'] } as const;

interface NodeParams { id: string; node: string; count?: number; target?: string }

/** Registered inside a context whose body parser hands over raw text (see server.ts). */
export async function occopusRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.post('/infrastructures/', async (req) => {
    if (typeof req.body !== 'string' || req.body.trim() === '') throw apiError.badRequest('the body must be an infrastructure description (YAML)');
    const put = await applyText(ctx, { infra: req.body });
    return { infraid: put.infra.id };
  });

  app.get('/infrastructures/', async () => ({ infrastructures: (await ctx.store.listInfras()).filter((i) => i.status !== 'destroyed').map((i) => i.id) }));

  app.get<{ Params: { id: string } }>('/infrastructures/:id', { schema: { params: idParams } }, async (req) => {
    const nodes = await requireNodes(ctx, req.params.id);
    return occopusReport(nodes, await ctx.store.listInstances(req.params.id));
  });

  app.delete<{ Params: { id: string } }>('/infrastructures/:id', { schema: { params: idParams } }, async (req) => {
    await destroyInfra(ctx, req.params.id);
    return { infraid: req.params.id };
  });

  const scaleup = async (p: NodeParams) => {
    const count = p.count ?? 1;
    await scaleNode(ctx, p.id, p.node, { by: count });
    return { method: 'scaleup', infraid: p.id, nodename: p.node, count };
  };
  const scaledown = async (p: NodeParams) => {
    const result = await scaleNode(ctx, p.id, p.node, p.target === undefined ? { by: -1 } : { instance: p.target });
    return { method: 'scaledown', infraid: p.id, nodename: p.node, nodeid: result.removed ?? null };
  };
  const scaleto = async (p: NodeParams) => {
    await scaleNode(ctx, p.id, p.node, { to: p.count });
    return { method: 'scaleto', infraid: p.id, nodename: p.node, count: p.count };
  };
  const opts = { schema: { params: nodeParams } };
  app.post<{ Params: NodeParams }>('/infrastructures/:id/scaleup/:node', opts, (req) => scaleup(req.params));
  app.post<{ Params: NodeParams }>('/infrastructures/:id/scaleup/:node/:count', opts, (req) => scaleup(req.params));
  app.post<{ Params: NodeParams }>('/infrastructures/:id/scaledown/:node', opts, (req) => scaledown(req.params));
  app.post<{ Params: NodeParams }>('/infrastructures/:id/scaledown/:node/:target', opts, (req) => scaledown(req.params));
  app.post<{ Params: NodeParams }>('/infrastructures/:id/scaleto/:node/:count', opts, (req) => scaleto(req.params));
}
