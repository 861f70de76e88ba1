/**
 * Where the web page may deploy: targets by name. A cloud that needs no credentials on this machine (the
 * simulated cloud, the local Docker engine) is a target named after itself; an operator's auth file entries
 * with a `name` add targets of their resource type, whose credentials stay on the server.
 */
import type { AuthFile } from '../spec/types.js';

export interface DeployTarget {
  name: string;
  /** the resource type (driver) this target deploys to: picks the entry's node definitions */
  cloud: string;
  /** the auth file holding this target's credentials (server side only, never shown) */
  authPath?: string;
}

const NEEDS_NO_CREDENTIALS = ['dummy', 'docker'];

export function localTargets(clouds: Iterable<string>): DeployTarget[] {
  return [...new Set(clouds)].filter((c) => NEEDS_NO_CREDENTIALS.includes(c)).sort().map((c) => ({ name: c, cloud: c }));
}

/** named `resource:` entries of an auth file → targets */
export function authTargets(auth: AuthFile, authPath: string): DeployTarget[] {
  return auth.resource
    .filter((e): e is typeof e & { name: string } => typeof (e as { name?: unknown }).name === 'string')
    .map((e) => ({ name: e.name, cloud: e.type, authPath }));
}
