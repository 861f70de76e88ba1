/** Every request needs `Authorization: Bearer <token>`, except the live view's page and its static assets. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from './errors.js';
import { tokenMatches } from './token.js';
import { isLiveViewPath } from './routes/live-view.js';

export function makeAuthHook(token: string) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if ((req.method === 'GET' || req.method === 'HEAD') && isLiveViewPath(req.url)) return;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !tokenMatches(match[1], token)) {
      // the body a refused client may still be sending is not read: the connection ends with the 401
      reply.header('connection', 'close');
      throw apiError.unauthorized();
    }
  };
}
