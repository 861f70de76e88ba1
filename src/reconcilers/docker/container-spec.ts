/** Resource section + rendered context → the body of Docker's POST /containers/create. Pure. */
import type { ContainerCreateOptions } from 'dockerode';
import type { ContextPayload, ReefLabels } from '../driver.js';
import { labelEntries } from '../driver.js';
import { FatalError } from '../errors.js';
import { splitCommand } from './command.js';
import type { DockerResource } from './schema.js';

/** `image:tag`; a tag or digest written in `image` wins when `tag` is absent. */
export function imageRef(resource: Pick<DockerResource, 'image' | 'tag'>): string {
  const { image } = resource;
  if (resource.tag !== undefined && resource.tag !== '') return `${image}:${String(resource.tag)}`;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  return lastSegment.includes(':') || image.includes('@') ? image : `${image}:latest`;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseMemory(memory: string | number): number {
  if (typeof memory === 'number') return Math.floor(memory);
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([bkmg]?)b?\s*$/i.exec(memory);
  if (!match) throw new FatalError('REEF_DOCKER_INVALID', `memory ${JSON.stringify(memory)}: expected bytes or 256m, 1g, 512k`);
  return Math.floor(Number(match[1]) * UNITS[match[2].toLowerCase()]);
}

interface PortMapping {
  containerPort: string; // "80/tcp"
  hostIp: string;
  hostPort: string;
}

/** `"[ip:][hostPort:]containerPort[/proto]"` as `docker run -p` reads it; an empty host port picks a free one. */
export function parsePort(spec: string | number): PortMapping {
  const text = String(spec);
  const [address, proto = 'tcp'] = text.split('/');
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(address);
  const parts = bracketed ? [bracketed[1], ...bracketed[2].split(':')] : address.split(':');
  let hostIp = '';
  let hostPort = '';
  let containerPort: string;
  if (parts.length === 1) [containerPort] = parts;
  else if (parts.length === 2) [hostPort, containerPort] = parts;
  else if (parts.length === 3) [hostIp, hostPort, containerPort] = parts;
  else throw new FatalError('REEF_DOCKER_INVALID', `port ${JSON.stringify(text)}: expected [ip:][hostPort:]containerPort[/proto]`);
  if (!/^[0-9]+$/.test(containerPort) || (hostPort !== '' && !/^[0-9]+$/.test(hostPort))) {
    throw new FatalError('REEF_DOCKER_INVALID', `port ${JSON.stringify(text)}: ports must be numbers`);
  }
  return { containerPort: `${containerPort}/${proto}`, hostIp, hostPort };
}

export interface ContainerSpecInput {
  name: string;
  labels: ReefLabels;
  resource: DockerResource;
  context: ContextPayload;
}

export function buildContainerSpec({ name, labels, resource, context }: ContainerSpecInput): ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const spec of resource.ports ?? []) {
    const port = parsePort(spec);
    exposed[port.containerPort] = {};
    (bindings[port.containerPort] ??= []).push({ HostIp: port.hostIp, HostPort: port.hostPort });
  }
  const binds: string[] = [];
  const anonymous: Record<string, object> = {};
  for (const volume of resource.volumes ?? []) {
    if (volume.includes(':')) binds.push(volume);
    else anonymous[volume] = {};
  }
  const docker = context.kind === 'docker' ? context : undefined;
  const command = docker?.command;
  const cmd = command === undefined ? undefined : typeof command === 'string' ? splitCommand(command) : command;

  const hostConfig: NonNullable<ContainerCreateOptions['HostConfig']> = {};
  if (resource.network_mode) hostConfig.NetworkMode = resource.network_mode;
  if (Object.keys(bindings).length) hostConfig.PortBindings = bindings;
  if (binds.length) hostConfig.Binds = binds;
  if (resource.memory !== undefined) hostConfig.Memory = parseMemory(resource.memory);
  if (resource.cpus !== undefined) hostConfig.NanoCpus = Math.round(resource.cpus * 1e9);
  if (resource.privileged) hostConfig.Privileged = true;
  if (resource.cap_add?.length) hostConfig.CapAdd = resource.cap_add;
  if (resource.extra_hosts?.length) hostConfig.ExtraHosts = resource.extra_hosts;

  return {
    name,
    Image: imageRef(resource),
    // reef's labels last: a user label cannot disguise whose container this is.
    Labels: { ...resource.labels, ...labelEntries(labels) },
    ...(docker?.env.length ? { Env: docker.env } : {}),
    ...(cmd && cmd.length ? { Cmd: cmd } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...(Object.keys(anonymous).length ? { Volumes: anonymous } : {}),
    HostConfig: hostConfig,
  };
}
