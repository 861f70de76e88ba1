/**
 * The REST API as a fastify instance, built from explicit parts (no globals), so tests use `app.inject()`
 * without a port and `reef serve` calls listen(). Routes only parse, call operations.ts, and shape JSON.
 */
import Fastify, { LogController } from 'fastify';
import type { Store } from '../state/store.js';
import type { RuntimeStatus } from '../controller/status.js';
import type { ControllerHandle } from '../ops/index.js';
import type { Logger } from '../util/log.js';
import type { ApiContext } from './context.js';
import { makeAuthHook } from './auth.js';
import { errorBody } from './error-map.js';
import { apiError } from './errors.js';
import { openApiDocument } from './openapi.js';
import { healthOf } from './health.js';
import { occopusRoutes } from './routes/occopus.js';
import { v1InfraRoutes } from './routes/v1-infras.js';
import { v1NodeDefListRoute, v1NodeDefRoutes } from './routes/v1-nodedefs.js';
import { v1EventRoutes } from './routes/v1-events.js';
import { liveViewRoutes } from './routes/live-view.js';
import { v1CatalogRoutes } from './routes/v1-catalog.js';

export const BODY_LIMIT = 1024 * 1024;

export interface ApiDeps {
  store: Store;
  controller: ControllerHandle & { statusOf(infraId: string): RuntimeStatus | undefined };
  registry: { resourceSchemas(): Record<string, object> };
  token: string;
  log: Logger;
  events?: Partial<ApiContext['events']>;
  bodyLimit?: number;
  catalog?: ApiContext['catalog'];
  /** the auth files a client may name in authPath (default: none) */
  authPolicy?: ApiContext['authPolicy'];
  /** the server's files and URLs a client's descriptor may name (default: none) */
  access?: ApiContext['access'];
  /** called for every route registered (the OpenAPI test walks them) */
  onRoute?: (method: string, url: string) => void;
}

export const REQUEST_TIMEOUT_MS = 30_000;
export const HEADERS_TIMEOUT_MS = 20_000;

export function buildApi(deps: ApiDeps) {
  const app = Fastify({
    // fastify's own info lines ("Server listening at") would repeat what serve logs; its warnings and errors stay
    loggerInstance: deps.log.child({ component: 'api' }, { level: deps.log.levelVal > 40 ? deps.log.level : 'warn' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit ?? BODY_LIMIT,
    // the Occopus scale paths end in a slash-less segment; /infrastructures and /infrastructures/ are both used
    routerOptions: { ignoreTrailingSlash: true },
    // a client trickling headers or a body cannot hold a connection (event streams are responses: not affected)
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS },
    // the router's own 400s (bad URL encoding, over-long parameters) in the documented error shape, URL not echoed
    frameworkErrors: (err, _req, reply) => {
      const body = errorBody(apiError.badRequest(err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'malformed URL'));
      void (reply as unknown as { code(n: number): { send(b: unknown): void } }).code(body.status_code).send(body);
    },
  });
  const ctx: ApiContext = {
    store: deps.store, controller: deps.controller, registry: deps.registry, log: deps.log, authPolicy: deps.authPolicy, access: deps.access,
    events: { pollMs: deps.events?.pollMs ?? 250, heartbeatMs: deps.events?.heartbeatMs ?? 15_000 },
    streams: new Set(),
    ...(deps.catalog ? { catalog: deps.catalog } : {}),
  };
  // open event streams would keep close() waiting: end them first
  app.addHook('preClose', async () => [...ctx.streams].forEach((close) => close()));
  if (deps.onRoute) app.addHook('onRoute', (r) => [r.method].flat().forEach((m) => deps.onRoute!(m, r.url)));
  app.addHook('onRequest', makeAuthHook(deps.token));
  app.setErrorHandler((err, req, reply) => {
    const body = errorBody(err);
    if (body.status_code >= 500) req.log.error({ err }, `${req.method} ${req.routeOptions.url ?? req.url} failed`);
    return reply.code(body.status_code).send(body);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody(apiError.notFound(`no route ${req.method} ${req.url.split('?')[0]}`))));

  // bodies that are YAML text: whatever the content type says (curl --data-binary sends form-urlencoded)
  app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    await occopusRoutes(raw, ctx);
    await v1NodeDefRoutes(raw, ctx);
  });
  app.register(async (v1) => {
    await v1InfraRoutes(v1, ctx);
    await v1NodeDefListRoute(v1, ctx);
    await v1EventRoutes(v1, ctx);
    await v1CatalogRoutes(v1, ctx);
    v1.get('/v1/health', async (req, reply) => {
      const body = await healthOf(deps.store);
      if (body.status === 'ok') return body;
      req.log.error({ code: body.code }, `health: ${body.message}`);
      return reply.code(body.status_code).send(body);
    });
    v1.get('/v1/openapi.json', async () => openApiDocument);
  });
  app.register(liveViewRoutes);
  return app;
}

export type ReefApi = ReturnType<typeof buildApi>;
