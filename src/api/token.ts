/**
 * The API's bearer token: read from its file, or made (32 random bytes) into it with mode 0600 when missing.
 * Like ssh with a private key, an existing token file is refused unless it is a regular file (not a symlink)
 * owned by this user that neither group nor others can read.
 */
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FatalError } from '../errors/index.js';

export interface TokenSource {
  token: string;
  path: string;
  created: boolean;
}

function refuse(path: string, why: string): never {
  throw new FatalError('REEF_API_TOKEN_INVALID', `${path}: ${why}`);
}

export function loadOrCreateToken(path: string): TokenSource {
  let st: import('node:fs').Stats | undefined;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (st !== undefined) {
    if (st.isSymbolicLink()) refuse(path, 'the token file is a symbolic link; point --token-file at the file itself');
    if (!st.isFile()) refuse(path, 'the token file is not a regular file');
    if ((st.mode & 0o077) !== 0) refuse(path, `the token file can be read by others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) refuse(path, 'the token file belongs to another user');
  }
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
