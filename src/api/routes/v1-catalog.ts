/**
 * The catalog over the API: what can be deployed, on which named targets, and POST …/deploy. Targets are
 * named by the operator (reef serve); a request names a target, never a path, and never sees credentials.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { entriesNamed, writeClientAuth } from '../api-credentials.js';
import { NO_AUTH_FILES } from '../auth-policy.js';
import { deployEntry, entryView } from '../../catalog/index.js';
import { INFRA_NAME_PATTERN } from '../../schemas/infra.schema.js';

export const deployBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: {
    target: { type: 'string', minLength: 1, maxLength: 100, description: 'a target name from GET /v1/catalog (a cloud, or an auth entry the operator named)' },
    variables: { type: 'object', maxProperties: 100, additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }, description: "values for the entry's variables; strings are read as on the command line (--set)" },
    id: { type: 'string', pattern: INFRA_NAME_PATTERN, description: "infra id (default: the entry's infra_name, or a fresh one if that is taken)" },
  },
} as const;

const nameParams = { type: 'object', properties: { name: { type: 'string', pattern: INFRA_NAME_PATTERN } }, required: ['name'] } as const;

interface DeployBody { target: string; variables?: Record<string, string | number | boolean>; id?: string }

export async function v1CatalogRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const targets = () => ctx.catalog?.targets ?? [];
  app.get('/v1/catalog', async () => ({
    entries: ctx.catalog?.entries.entries.map(entryView) ?? [],
    targets: targets().map((t) => ({ name: t.name, cloud: t.cloud })),
  }));

  app.post<{ Params: { name: string }; Body: DeployBody }>('/v1/catalog/:name/deploy', { schema: { params: nameParams, body: deployBodySchema } }, async (req) => {
    const entry = ctx.catalog?.entries.get(req.params.name);
    if (!entry) throw apiError.notFound(`no catalog entry "${req.params.name}"`);
    const target = targets().find((t) => t.name === req.body.target);
    if (!target) throw apiError.badRequest(`no target "${req.body.target}" (targets: ${targets().map((t) => t.name).join(', ') || 'none'})`);
    const put = await deployEntry(ctx, {
      entry, cloud: target.cloud, values: req.body.variables ?? {}, id: req.body.id, where: '<request body>', freshId: true,
      // the target's own entry, pinned to its endpoint, as the infra's auth file (never the operator's whole file)
      ...(target.authPath ? { authPathFor: (id: string) => writeClientAuth(ctx.authPolicy ?? NO_AUTH_FILES, id, entriesNamed({ files: [target.authPath!], dirs: [] }, [target.name])) } : {}),
    });
    return { infraid: put.infraId, created: put.created, changed: put.changed, entry: entry.name, target: target.name, scales: put.scales };
  });
}
