/**
 * Credentials for an API client, by construction: the client names auth entries (`"auth": "NAME"`), the operator
 * provided them (`reef serve --auth FILE`, entries with a `name`), and their secrets go only where the entry says.
 *
 * - A name, never a path: only entries of the files the operator named are found (the older `authPath`, which must
 *   be one of those files or one in `<state>/auth/`, is read the same way: all its entries).
 * - Pinned destination: the resource section's keys that say where the credentials are sent (`endpoint`; for the
 *   ssh driver `hosts` and `port`) must equal the entry's. An entry without them matches only a section without
 *   them (the driver's default endpoint), so a client cannot send the operator's Keystone password or AWS session
 *   token to an endpoint of its own.
 * - A config_management password would be typed into a machine the client controls: refused; a private key is not
 *   disclosed by a login.
 *
 * The result is written as the infra's own auth file (0600, under the state directory) and stored as its
 * authPath: every process that reconciles the infra reads exactly these pinned entries.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { AuthEntry, AuthFile } from '../spec/types.js';
import { SpecError, loadAuthFile } from '../schemas/index.js';
import { isReefError } from '../errors/index.js';
import { apiError } from './errors.js';
import { withoutContent, type AuthPolicy } from './auth-policy.js';

const DESTINATION: Record<string, readonly string[]> = { ssh: ['hosts', 'port'] };
const destinationKeys = (type: string): readonly string[] => DESTINATION[type] ?? ['endpoint'];

/** The entry as the runtime matches it for a client: no `name` filter, destination keys pinned (null = must be absent). */
export function pinEntry(entry: AuthEntry, kind: 'resource' | 'config_management'): AuthEntry {
  const { name: _name, ...rest } = entry;
  if (kind === 'config_management') {
    if (typeof entry.auth_data?.password === 'string') {
      throw apiError.badRequest(`auth entry${typeof entry.name === 'string' ? ` "${entry.name}"` : ''}: a config_management password would be sent to a machine the client controls; give the operator's entry a private_key instead`);
    }
    return rest as AuthEntry;
  }
  const pinned: AuthEntry = { ...(rest as AuthEntry) };
  for (const key of destinationKeys(entry.type)) if (!(key in pinned)) pinned[key] = null;
  return pinned;
}

function readAuth(path: string): AuthFile {
  try {
    return loadAuthFile(path);
  } catch (e) {
    if (e instanceof SpecError) throw withoutContent(e); // positions only: messages could quote the file
    if (isReefError(e)) throw e;
    throw apiError.badRequest(`cannot read the auth file ${path} on the server: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

/** The named entries of the operator's --auth files; a name that is not there is a 400 listing the names there are. */
export function entriesNamed(policy: AuthPolicy, names: readonly string[]): AuthFile {
  const out: AuthFile = { resource: [], config_management: [] };
  const known: string[] = [];
  const files = policy.files.map((f) => readAuth(f));
  for (const name of names) {
    let found = false;
    for (const file of files) {
      for (const kind of ['resource', 'config_management'] as const) {
        for (const e of file[kind]) {
          if (typeof e.name !== 'string') continue;
          known.push(e.name);
          if (e.name === name) {
            out[kind].push(e);
            found = true;
          }
        }
      }
    }
    if (!found) throw apiError.badRequest(`no auth entry named "${name}" (the operator's named entries: ${[...new Set(known)].sort().join(', ') || 'none'}; reef serve --auth FILE)`);
  }
  return out;
}

/** Every entry of an allowed auth file (the older authPath form). */
export function entriesOf(path: string): AuthFile {
  return readAuth(path);
}

/** Pins the entries and writes them as the infra's auth file; returns its path. */
export function writeClientAuth(policy: AuthPolicy, infraId: string, auth: AuthFile): string {
  const pinned: AuthFile = {
    resource: auth.resource.map((e) => pinEntry(e, 'resource')),
    config_management: auth.config_management.map((e) => pinEntry(e, 'config_management')),
  };
  const dir = policy.credentialsDir ?? join(policy.dirs[0] ?? '.', '.api-credentials');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${infraId}.yaml`);
  writeFileSync(path, `# written by reef serve for infra ${infraId}: the operator's entries, pinned to their destinations\n${stringify(pinned)}`, { mode: 0o600 });
  return path;
}
