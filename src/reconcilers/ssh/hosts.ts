import { createHash } from 'node:crypto';
import { FatalError } from '../errors.js';
import type { SshHostEntry, SshResource } from './schema.js';
import type { SshTarget } from './types.js';

export interface PoolHost {
  /** "host:port": the claim key and the ref id's first part. */
  id: string;
  host: string;
  port: number;
  user?: string;
  name?: string;
}

export function poolHosts(resource: SshResource): PoolHost[] {
  return resource.hosts.map((h: SshHostEntry | string) => {
    const entry = typeof h === 'string' ? { host: h } : h;
    const port = entry.port ?? resource.port ?? 22;
    return { id: `${entry.host}:${port}`, host: entry.host, port, user: entry.user, name: entry.name };
  });
}

/** The pool's identity: its `endpoint` name, else a digest of its host list (editing the list makes a new pool). */
export function poolKey(resource: SshResource): string {
  if (resource.endpoint) return resource.endpoint;
  const ids = poolHosts(resource).map((h) => h.id).sort();
  return `hosts-${createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 12)}`;
}

/** ref.id = "host:port#instanceId": the host, plus whose claim it is, so a stale ref never frees a re-claimed host. */
export function refIdOf(hostId: string, instanceId: string): string {
  return `${hostId}#${instanceId}`;
}

export function parseRefId(id: string): { hostId: string; instanceId: string } {
  const at = id.indexOf('#');
  if (at < 0) throw new FatalError('REEF_SSH_BAD_REF', `"${id}" is not an ssh pool reference (host:port#instance)`);
  return { hostId: id.slice(0, at), instanceId: id.slice(at + 1) };
}

/** "10.0.0.4:2222" → host and port (the last colon splits, so bracket-less IPv6 keeps working). */
export function splitHostId(hostId: string): { host: string; port: number } {
  const at = hostId.lastIndexOf(':');
  return { host: hostId.slice(0, at), port: Number(hostId.slice(at + 1)) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * How to reach one claimed host. auth_data (`private_key`, `password`, `user`) wins over `private_key_path`.
 * The user: the host's own, then the resource's, then auth_data's, then root.
 */
export function sshTargetFor(
  resource: SshResource,
  hostId: string,
  credentials: Record<string, unknown> | undefined,
): SshTarget {
  const { host, port } = splitHostId(hostId);
  const entry = poolHosts(resource).find((h) => h.id === hostId);
  return {
    host,
    port,
    user: entry?.user ?? resource.user ?? str(credentials?.user) ?? 'root',
    privateKey: str(credentials?.private_key),
    privateKeyPath: str(credentials?.private_key) ? undefined : resource.private_key_path,
    password: str(credentials?.password),
  };
}
