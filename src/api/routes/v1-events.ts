/** The event log: a JSON page (`follow=false`) or a Server-Sent Events stream (default), for one infra or all. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.js';
import { resumePoint, streamEvents } from '../sse.js';
import { eventPage, eventView, unknownInfra } from '../../ops/index.js';

export const eventsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'integer', minimum: 0, description: 'only events with a larger seq (Last-Event-ID wins)' },
    follow: { type: 'boolean', default: true, description: 'false: one JSON page instead of a stream' },
    limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
    tail: { type: 'integer', minimum: 0, maximum: 10000, description: 'only the last n events (follow=false)' },
  },
} as const;

interface EventsQuery { after?: number; follow: boolean; limit: number; tail?: number }

export async function v1EventRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const handle = async (req: FastifyRequest<{ Querystring: EventsQuery }>, reply: FastifyReply, infra?: string) => {
    if (infra !== undefined && !(await ctx.store.getInfra(infra))) throw unknownInfra(infra);
    const q = req.query;
    if (!q.follow) {
      return { events: (await eventPage(ctx.store, { infra, afterSeq: resumePoint(req, q.after), limit: q.limit, tail: q.tail })).map(eventView) };
    }
    streamEvents(req, reply, { store: ctx.store, log: ctx.log, infra, afterSeq: resumePoint(req, q.after), ...ctx.events, open: ctx.streams });
    return reply;
  };
  const schema = { querystring: eventsQuerySchema };
  app.get<{ Querystring: EventsQuery }>('/v1/events', { schema }, (req, reply) => handle(req, reply));
  app.get<{ Querystring: EventsQuery; Params: { id: string } }>('/v1/infras/:id/events', { schema }, (req, reply) => handle(req, reply, req.params.id));
}
