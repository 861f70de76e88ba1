/**
 * The OpenAPI 3 document of every route reef serves (GET /v1/openapi.json). Written as data; a test walks the
 * server's routes and checks each is documented here, and that nothing documented is missing from the server.
 */
import { applyBodySchema, scaleBodySchema } from './routes/v1-infras.js';
import { eventsQuerySchema } from './routes/v1-events.js';
import { deployBodySchema } from './routes/v1-catalog.js';

const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const error = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));
const path = (name: string, description = '') => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const yamlBody = (description: string) => ({ required: true, description, content: { 'application/x-yaml': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } } } });
const any = { type: 'object' };
const queryParams = Object.entries(eventsQuerySchema.properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
const sse = { description: 'Server-Sent Events: `id:` is the event seq, `data:` the event as JSON; `: heartbeat` comments when idle', content: { 'text/event-stream': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object', properties: { events: { type: 'array', items: { $ref: '#/components/schemas/Event' } } } } } } };
const lastEventId = { name: 'Last-Event-ID', in: 'header', required: false, description: 'resume after this seq', schema: { type: 'string' } };
const scaleResponse = (method: string) => json({ type: 'object', properties: { method: { const: method }, infraid: { type: 'string' }, nodename: { type: 'string' }, count: { type: 'integer' }, nodeid: { type: ['string', 'null'] } } });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'reef API',
    version: '1',
    description: 'Occopus-compatible endpoints (/infrastructures) and reef\'s own (/v1). Every request except the live view (`GET /` and its assets) needs `Authorization: Bearer <token>`.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: { type: 'object', required: ['status_code', 'reason', 'message', 'code'], properties: { status_code: { type: 'integer' }, reason: { type: 'string' }, message: { type: 'string', description: 'spec errors: one `FILE:LINE:COL: message` line each' }, code: { type: 'string' } } },
      Event: { type: 'object', properties: { seq: { type: 'integer' }, time: { type: 'string' }, infra: { type: 'string' }, node: { type: 'string' }, instance: { type: 'string' }, kind: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, message: { type: 'string' }, data: any } },
      ApplyBody: applyBodySchema,
      ScaleBody: scaleBodySchema,
      DeployBody: deployBodySchema,
    },
    responses: Object.fromEntries([[400, 'bad input (spec error, bad body)'], [401, 'missing or bad token'], [404, 'unknown infra, node or instance'], [409, 'scale target outside [min, max]'], [413, 'body larger than the limit (1 MiB)'], [503, 'the state store cannot keep writes (deleted, read-only, not answering): the write was refused']]
      .map(([code, description]) => [`E${code}`, { description, content: { 'application/json': { schema: error } } }])),
  },
  security: [{ bearer: [] }],
  paths: {
    '/': { get: { summary: 'live view (HTML page; no token needed)', security: [], responses: { 200: { description: 'HTML', content: { 'text/html': {} } } } } },
    '/infrastructures/': {
      post: { summary: 'Occopus: submit an infrastructure description (raw YAML body); reconciled in the background', requestBody: yamlBody('infra description'), responses: { 200: json({ type: 'object', properties: { infraid: { type: 'string' } } }), ...errors(400, 401, 413) } },
      get: { summary: 'Occopus: list infrastructure ids', responses: { 200: json({ type: 'object', properties: { infrastructures: { type: 'array', items: { type: 'string' } } } }), ...errors(401) } },
    },
    '/infrastructures/{id}': {
      parameters: [path('id')],
      get: { summary: 'Occopus: infrastructure report {NODE: {instances: {ID: {resource_address, state}}, scaling: {actual, target, min, max}}}', responses: { 200: json(any), ...errors(401, 404) } },
      delete: { summary: 'Occopus: destroy (asynchronous)', responses: { 200: json({ type: 'object', properties: { infraid: { type: 'string' } } }), ...errors(401, 404) } },
    },
    '/infrastructures/{id}/scaleup/{node}': { parameters: [path('id'), path('node')], post: { summary: 'Occopus: one more instance', responses: { 200: scaleResponse('scaleup'), ...errors(401, 404, 409) } } },
    '/infrastructures/{id}/scaleup/{node}/{count}': { parameters: [path('id'), path('node'), path('count')], post: { summary: 'Occopus: count more instances', responses: { 200: scaleResponse('scaleup'), ...errors(401, 404, 409) } } },
    '/infrastructures/{id}/scaledown/{node}': { parameters: [path('id'), path('node')], post: { summary: 'Occopus: one fewer instance (the youngest)', responses: { 200: scaleResponse('scaledown'), ...errors(401, 404, 409) } } },
    '/infrastructures/{id}/scaledown/{node}/{target}': { parameters: [path('id'), path('node'), path('target', 'instance id or IP address')], post: { summary: 'Occopus: remove this instance', responses: { 200: scaleResponse('scaledown'), ...errors(401, 404, 409) } } },
    '/infrastructures/{id}/scaleto/{node}/{count}': { parameters: [path('id'), path('node'), path('count')], post: { summary: 'Occopus: set the instance count', responses: { 200: scaleResponse('scaleto'), ...errors(401, 404, 409) } } },
    '/v1/health': { get: { summary: 'liveness and a count of infras; 503 (the Error shape plus status "unhealthy") when the state store cannot keep writes', responses: { 200: json({ type: 'object', properties: { status: { const: 'ok' }, infras: { type: 'integer' } } }), ...errors(401, 503) } } },
    '/v1/openapi.json': { get: { summary: 'this document', responses: { 200: json(any), ...errors(401) } } },
    '/v1/infras': { get: { summary: 'list infras with ready/total instance counts', responses: { 200: json({ type: 'object', properties: { infras: { type: 'array', items: any } } }), ...errors(401) } } },
    '/v1/infras/{id}': {
      parameters: [path('id')],
      put: { summary: 'declarative apply: create or update the infra to match the description', requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApplyBody' } } } }, responses: { 200: json({ type: 'object', properties: { infraid: { type: 'string' }, created: { type: 'boolean' }, changed: { type: 'boolean' }, generation: { type: 'integer' } } }), ...errors(400, 401, 413) } },
      get: { summary: 'status: nodes (min/max/target/ready/actual/failedReason, type, dependsOn) and instances (state/address/age/lastError)', responses: { 200: json(any), ...errors(401, 404) } },
      delete: { summary: 'destroy every resource of the infra (asynchronous)', responses: { 200: json({ type: 'object', properties: { infraid: { type: 'string' }, status: { enum: ['destroying', 'destroyed'] } } }), ...errors(401, 404) } },
    },
    '/v1/infras/{id}/nodes/{node}/scale': {
      parameters: [path('id'), path('node')],
      put: { summary: 'scale a node: {to: n} | {by: ±n} | {instance: id-or-address}', requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ScaleBody' } } } }, responses: { 200: json({ type: 'object', properties: { infraid: { type: 'string' }, node: { type: 'string' }, target: { type: 'integer' }, removed: { type: 'string' } } }), ...errors(400, 401, 404, 409) } },
    },
    '/v1/infras/{id}/events': { parameters: [path('id'), lastEventId, ...queryParams], get: { summary: "one infra's events (SSE stream, or a JSON page with follow=false)", responses: { 200: sse, ...errors(400, 401, 404) } } },
    '/v1/events': { parameters: [lastEventId, ...queryParams], get: { summary: 'every infra\'s events (SSE stream, or a JSON page with follow=false)', responses: { 200: sse, ...errors(400, 401) } } },
    '/v1/catalog': { get: { summary: 'the catalog: entries (title, description, variables with types and defaults, clouds, size, nodes) and the targets a deploy may name', responses: { 200: json({ type: 'object', properties: { entries: { type: 'array', items: any }, targets: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, cloud: { type: 'string' } } } } } }), ...errors(401) } } },
    '/v1/catalog/{name}/deploy': {
      parameters: [path('name')],
      post: { summary: 'deploy a catalog entry on a named target with values for its variables (checked as reef deploy --set does)', requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/DeployBody' } } } }, responses: { 200: json({ type: 'object', properties: { infraid: { type: 'string' }, created: { type: 'boolean' }, changed: { type: 'boolean' }, entry: { type: 'string' }, target: { type: 'string' }, scales: any } }), ...errors(400, 401, 404) } },
    },
    '/v1/nodedefs': {
      put: { summary: 'store node definitions (as reef import)', requestBody: yamlBody('node definitions'), responses: { 200: json({ type: 'object', properties: { imported: { type: 'array', items: { type: 'string' } } } }), ...errors(400, 401, 413) } },
      get: { summary: 'the stored node definitions', responses: { 200: json({ type: 'object', properties: { nodedefs: any } }), ...errors(401) } },
    },
  },
};
