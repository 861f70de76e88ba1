/**
 * Which auth files an API client may name in `authPath`: only the ones the operator allowed when starting
 * `reef serve` (`--auth FILE`, and files in `<state dir>/auth/`). Anything else is refused before the server
 * opens it, so a token holder cannot read, probe or block on the server's files. Errors about an allowed file
 * give positions only: an auth file holds secrets, and a message could quote them.
 */
import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { SpecError, type Diagnostic } from '../schemas/index.js';
import { apiError } from './errors.js';

export interface AuthPolicy {
  /** auth files a client may name, exactly */
  files: readonly string[];
  /** directories whose files a client may name */
  dirs: readonly string[];
  /** where the server writes each API infra's pinned auth file (default: .api-credentials in the first dir) */
  credentialsDir?: string;
}

export const NO_AUTH_FILES: AuthPolicy = { files: [], dirs: [] };

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The path to use, or a 400 naming what the operator may allow; the file itself is not touched when refused. */
export function allowedAuthPath(policy: AuthPolicy, requested: string): string {
  const asked = resolve(requested);
  const files = policy.files.map((f) => resolve(f));
  const dirs = policy.dirs.map((d) => real(d) ?? resolve(d));
  const inDir = (p: string): boolean => dirs.some((d) => p.startsWith(d + sep));
  if (files.includes(asked)) return asked;
  if (inDir(asked)) {
    const target = real(asked);
    // a symlink in the directory must not lead out of it
    if (target === undefined || inDir(target) || files.includes(target)) return asked;
  }
  throw apiError.badRequest(
    'authPath must name an auth file the operator allowed (reef serve --auth FILE, or a file in the state directory\'s auth/ folder); the server reads no other file for a client',
  );
}

/** The same diagnostics without their text: positions and a fixed message. */
export function withoutContent(e: SpecError): SpecError {
  const diagnostics: Diagnostic[] = e.diagnostics.map((d) => ({ ...d, path: '', message: 'invalid auth file (details withheld: an auth file holds secrets; check it with reef validate --auth on the server)' }));
  return new SpecError(diagnostics);
}
