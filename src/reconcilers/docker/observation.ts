/**
 * Docker's container views (inspect, and the list summary) → Observation. Pure. The list summary lacks the exit
 * code and health fields, so they are read from its Status text ("Exited (137) 2 seconds ago", "Up 3 s (healthy)").
 */
import type { ContainerInfo, ContainerInspectInfo } from 'dockerode';
import { labelsFrom, type Addresses, type Observation, type Phase, type ResourceRef } from '../driver.js';

type Health = 'starting' | 'healthy' | 'unhealthy';

/** What both views have in common. */
export interface ContainerFacts {
  id: string;
  /** created | running | paused | restarting | removing | exited | dead */
  status: string;
  exitCode?: number;
  oomKilled?: boolean;
  error?: string;
  health?: Health;
  labels: Record<string, string>;
  networkMode?: string;
  networks: Record<string, { IPAddress?: string }>;
}

function asHealth(s: string | undefined): Health | undefined {
  return s === 'starting' || s === 'healthy' || s === 'unhealthy' ? s : undefined;
}

export function factsFromInspect(info: ContainerInspectInfo): ContainerFacts {
  return {
    id: info.Id,
    status: info.State.Status,
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    error: info.State.Error || undefined,
    health: asHealth(info.State.Health?.Status),
    labels: info.Config.Labels ?? {},
    networkMode: info.HostConfig.NetworkMode,
    networks: info.NetworkSettings.Networks ?? {},
  };
}

export function factsFromSummary(info: ContainerInfo): ContainerFacts {
  const exit = /^Exited \((-?\d+)\)/.exec(info.Status ?? '');
  const health = /\((?:health: )?(starting|healthy|unhealthy)\)/.exec(info.Status ?? '');
  return {
    id: info.Id,
    status: info.State,
    exitCode: exit ? Number(exit[1]) : undefined,
    health: asHealth(health?.[1]),
    labels: info.Labels ?? {},
    networkMode: info.HostConfig?.NetworkMode,
    networks: info.NetworkSettings?.Networks ?? {},
  };
}

function phaseOf(f: ContainerFacts): { phase: Phase; reason?: string } {
  switch (f.status) {
    case 'created':
    case 'restarting':
      return { phase: 'pending' };
    case 'running':
      return { phase: 'running' };
    case 'exited':
    case 'dead': {
      const code = f.exitCode ?? 0;
      const details = [String(code), ...(f.oomKilled ? ['OOM killed'] : []), ...(f.error ? [f.error] : [])];
      const reason = `${f.status} (${details.join(', ')})`;
      const failed = code !== 0 || f.oomKilled === true || f.status === 'dead' || Boolean(f.error);
      return { phase: failed ? 'failed' : 'stopped', reason };
    }
    default: // paused, removing
      return { phase: 'stopped', reason: f.status };
  }
}

/** The container's IP on its first network; `host` networking answers on the host's loopback. */
function addressesOf(f: ContainerFacts): Addresses {
  const ip = Object.values(f.networks).map((n) => n.IPAddress).find((a) => a);
  if (ip) return { ip, privateIp: ip };
  if (f.networkMode === 'host') return { ip: '127.0.0.1', privateIp: '127.0.0.1' };
  return {};
}

export function toObservation(f: ContainerFacts, endpoint: string): Observation {
  const ref: ResourceRef = { driver: 'docker', endpoint, id: f.id };
  return {
    exists: true,
    ref,
    ...phaseOf(f),
    addresses: addressesOf(f),
    labels: labelsFrom((key) => f.labels[key]),
    ...(f.health ? { health: f.health } : {}),
  };
}
