/** Errors the API raises itself (everything else comes from the core with its own code). */
import { FatalError } from '../errors/index.js';

export const apiError = {
  unauthorized: (message = 'missing or bad bearer token (Authorization: Bearer <token>)') => new FatalError('REEF_API_UNAUTHORIZED', message),
  badRequest: (message: string) => new FatalError('REEF_API_BAD_REQUEST', message),
  notFound: (message: string) => new FatalError('REEF_API_NOT_FOUND', message),
};
