/** Node definitions (what `reef import` stores): PUT takes a YAML text body, GET lists the stored types. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { checkNodeDefs } from '../../schemas/node-defs.js';
import { loadYamlText } from '../../schemas/index.js';
import { throwIfAny } from '../../schemas/diagnostics.js';
import { REQUEST_BODY, refuseUnsafeYaml } from '../yaml-body.js';
import { apiError } from '../errors.js';
import { importNodeDefs } from '../../ops/index.js';
import { checkDefsHostReferences, clientAccess } from '../operations.js';

/** Registered inside a context whose body parser hands over raw text (see server.ts). */
export async function v1NodeDefRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.put('/v1/nodedefs', async (req) => {
    if (typeof req.body !== 'string' || req.body.trim() === '') throw apiError.badRequest('the body must be node definitions (YAML)');
    const access = clientAccess(ctx);
    refuseUnsafeYaml(req.body, REQUEST_BODY, access.anyFiles);
    const checked = checkNodeDefs(loadYamlText(req.body, REQUEST_BODY, { access }), ctx.registry.resourceSchemas());
    throwIfAny(checked.diagnostics);
    checkDefsHostReferences(access, checked.defs);
    return { imported: await importNodeDefs(ctx, checked.defs) };
  });
}

/** The stored definitions as compiled (credentials live in auth files, never in node definitions). */
export async function v1NodeDefListRoute(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/v1/nodedefs', async () => ({ nodedefs: await ctx.store.getNodeDefs() }));
}
