/** The API's bearer token: read from its file, or made (32 random bytes) into it with mode 0600 when missing. */
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FatalError } from '../reconcilers/errors.js';

export interface TokenSource {
  token: string;
  path: string;
  created: boolean;
}

export function loadOrCreateToken(path: string): TokenSource {
  try {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length < 16) throw new FatalError('REEF_API_TOKEN_INVALID', `${path}: the token must be at least 16 characters`);
    return { token, path, created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, path, created: true };
}

/** Constant-time: both sides are hashed first, so neither the length nor a common prefix leaks through timing. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
