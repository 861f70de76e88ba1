/** Endpoint URLs → a normalised key (one client, one list() per key) and dockerode connection options. */
import { FatalError } from '../errors.js';
import { DEFAULT_ENDPOINT } from './schema.js';
import { allowedFile, allowedUrl, type HostAccess } from '../../util/host-access.js';

export type DockerConnection = { socketPath: string } | { host: string; port: number; protocol: 'http' };

export interface ParsedEndpoint {
  /** `unix:///var/run/docker.sock` or `tcp://host:port`, lower-cased host, default port filled in. */
  key: string;
  connection: DockerConnection;
}

const DEFAULT_TCP_PORT = 2375;

export function parseEndpoint(endpoint: string | undefined): ParsedEndpoint {
  const raw = (endpoint ?? DEFAULT_ENDPOINT).trim();
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length).replace(/\/+$/, '');
    if (!socketPath.startsWith('/')) throw invalid(raw, 'a unix socket needs an absolute path');
    return { key: `unix://${socketPath}`, connection: { socketPath } };
  }
  const match = /^(?:tcp|http):\/\/(\[[0-9a-fA-F:.]+\]|[^/:\s]+)(?::(\d+))?\/?$/.exec(raw);
  if (!match) throw invalid(raw, 'expected unix:///path or tcp://host:port');
  const host = match[1].toLowerCase();
  const port = match[2] === undefined ? DEFAULT_TCP_PORT : Number(match[2]);
  if (port < 1 || port > 65535) throw invalid(raw, `port ${port} out of range`);
  return { key: `tcp://${host}:${port}`, connection: { host: host.replace(/^\[|\]$/g, ''), port, protocol: 'http' } };
}

function invalid(endpoint: string, why: string): FatalError {
  return new FatalError('REEF_DOCKER_INVALID', `docker endpoint ${JSON.stringify(endpoint)}: ${why}`);
}

/**
 * Under reef serve an endpoint other than the local engine's socket is a place the server would connect to for a
 * client: a unix socket must be inside --allow-files, a tcp:// engine under --allow-origin (e.g. tcp://10.0.0.5:2375).
 */
export function endpointAllowed(endpoint: ParsedEndpoint, access: HostAccess): void {
  if (access.unrestricted || endpoint.key === DEFAULT_ENDPOINT) return;
  if ('socketPath' in endpoint.connection) allowedFile(access, 'docker endpoint', endpoint.connection.socketPath);
  else allowedUrl(access, 'docker endpoint', endpoint.key);
}
