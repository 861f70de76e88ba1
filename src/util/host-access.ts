/**
 * Which local files and URLs reef may read or fetch because a descriptor names them (imports, a docker `origin`,
 * a private key path, an ansible playbook, a docker endpoint). A CLI user owns the machine: FULL_ACCESS. `reef serve`
 * acts for token holders: only files whose real path is inside a directory the operator allowed (`--allow-files`),
 * and only URLs under a prefix the operator allowed (`--allow-origin`). The same refusal whether a path exists or
 * not, and never the resolved path (a symlink's target) in a message.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { FatalError } from '../errors/index.js';

export interface HostAccess {
  /** true for a CLI user: every file the user can read, every URL */
  readonly unrestricted: boolean;
  /** whether any file may be read at all (an --allow-files directory was given) */
  readonly anyFiles: boolean;
  /** the real path to open, or undefined when the path is not inside an allowed directory */
  file(path: string): string | undefined;
  /** whether the URL (normalised) starts with an allowed prefix */
  url(url: string): boolean;
}

export interface HostAccessOptions {
  /** directories whose files may be read (`reef serve --allow-files DIR`) */
  files: readonly string[];
  /** URL prefixes that may be fetched (`reef serve --allow-origin PREFIX`) */
  origins: readonly string[];
}

export const FULL_ACCESS: HostAccess = {
  unrestricted: true,
  anyFiles: true,
  file: (path) => resolve(path),
  url: () => true,
};

/** The real path of `path`, also when its last parts do not exist yet (their real parent, plus the rest). */
function realPathOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    const parent = dirname(path);
    if (parent === path) return undefined;
    const real = realPathOf(parent);
    return real === undefined ? undefined : resolve(real, basename(path));
  }
}

/** `new URL` normal form (scheme and host lower-cased, default port dropped, dot segments resolved); undefined if not a URL */
export function normaliseUrl(url: string): string | undefined {
  try {
    const u = new URL(url.trim());
    // an origin without a path ends in '/', so the prefix tcp://h:2375 does not also allow tcp://h:23750
    return u.pathname === '' ? `${u.href}/` : u.href;
  } catch {
    return undefined;
  }
}

export function hostAccess(opts: HostAccessOptions): HostAccess {
  const dirs = opts.files.map((d) => realPathOf(resolve(d)) ?? resolve(d));
  const prefixes = opts.origins.map((p) => {
    const n = normaliseUrl(p);
    if (n === undefined) throw new FatalError('REEF_HOST_ACCESS_DENIED', `--allow-origin ${JSON.stringify(p)}: not a URL (e.g. https://images.example.org/reef/)`);
    return n;
  });
  return {
    unrestricted: false,
    anyFiles: dirs.length > 0,
    file(path) {
      const real = realPathOf(resolve(path));
      return real !== undefined && dirs.some((d) => real === d || real.startsWith(d.endsWith(sep) ? d : d + sep)) ? real : undefined;
    },
    url(url) {
      const n = normaliseUrl(url);
      if (n === undefined) return false;
      const { username, password } = new URL(n);
      return !username && !password && prefixes.some((p) => n.startsWith(p));
    },
  };
}

/** The one refusal for a file, whatever the reason (missing, outside, a symlink out): no existence oracle. */
export function fileRefused(field: string, path: string): FatalError {
  return new FatalError('REEF_HOST_ACCESS_DENIED',
    `${field}: ${JSON.stringify(path)} is not a file the operator allowed (reef serve --allow-files DIR); the server reads no other file for a client`);
}

export function urlRefused(field: string, url: string): FatalError {
  return new FatalError('REEF_HOST_ACCESS_DENIED',
    `${field}: ${JSON.stringify(url)} is not under a URL prefix the operator allowed (reef serve --allow-origin PREFIX); the server fetches no other URL for a client`);
}

/** The path to open, or the refusal. */
export function allowedFile(access: HostAccess, field: string, path: string): string {
  const real = access.file(path);
  if (real === undefined) throw fileRefused(field, path);
  return access.unrestricted ? path : real;
}

export function allowedUrl(access: HostAccess, field: string, url: string): string {
  if (!access.url(url)) throw urlRefused(field, url);
  return url;
}
