/** Nova server (GET /servers/detail item) → reef Observation. Pure. */
import { LABEL_KEYS, labelsFrom, type Observation, type Phase, type ResourceRef } from '../driver.js';

export interface NovaAddress {
  addr?: string;
  version?: number;
  'OS-EXT-IPS:type'?: string;
}

export interface NovaServer {
  id: string;
  name?: string;
  status?: string;
  'OS-EXT-STS:task_state'?: string | null;
  metadata?: Record<string, string>;
  addresses?: Record<string, NovaAddress[]>;
  fault?: { code?: number; message?: string };
  tags?: string[];
}

/** Nova status → reef phase; undefined means gone. Unknown states read as pending (not failed). */
export function phaseOf(status: string | undefined): Phase | undefined {
  switch (status) {
    case 'ACTIVE':
      return 'running';
    case 'ERROR':
      return 'failed';
    case 'SHUTOFF':
    case 'STOPPED':
    case 'SUSPENDED':
    case 'PAUSED':
    case 'SHELVED':
    case 'SHELVED_OFFLOADED':
    case 'RESCUE':
      return 'stopped';
    case 'DELETED':
    case 'SOFT_DELETED':
      return undefined;
    default:
      // BUILD, REBUILD, RESIZE, VERIFY_RESIZE, MIGRATING, REBOOT, HARD_REBOOT, PASSWORD, UNKNOWN
      return 'pending';
  }
}

/** getip: the floating address when there is one, else the fixed one; getprivip: the fixed one (IPv4 first). */
export function addressesOf(server: NovaServer): { ip?: string; privateIp?: string } {
  const all = Object.values(server.addresses ?? {}).flat();
  const byV4 = (a: NovaAddress, b: NovaAddress) => (a.version === 4 ? 0 : 1) - (b.version === 4 ? 0 : 1);
  const fixed = all.filter((a) => a.addr && a['OS-EXT-IPS:type'] !== 'floating').sort(byV4)[0]?.addr;
  const floating = all.filter((a) => a.addr && a['OS-EXT-IPS:type'] === 'floating').sort(byV4)[0]?.addr;
  const ip = floating ?? fixed;
  return { ...(ip ? { ip } : {}), ...(fixed ? { privateIp: fixed } : {}) };
}

export function isReefServer(server: NovaServer, infraId?: string): boolean {
  const infra = server.metadata?.[LABEL_KEYS.infra];
  return infra !== undefined && (infraId === undefined || infra === infraId);
}

/** `floating`: the address Neutron says reef attached, which wins over a not yet refreshed `addresses`. */
export function toObservation(server: NovaServer, ref: ResourceRef, floating?: string): Observation {
  const phase = phaseOf(server.status);
  if (!phase) return { exists: false, ref };
  const deleting = server['OS-EXT-STS:task_state'] === 'deleting';
  const reason = deleting
    ? 'being deleted'
    : phase === 'failed'
      ? `${server.fault?.message?.trim() || 'ERROR without a fault message'}${server.fault?.code ? ` (fault ${server.fault.code})` : ''}`
      : phase === 'stopped' ? server.status : undefined;
  return {
    exists: true,
    ref,
    phase: deleting && phase !== 'failed' ? 'stopped' : phase,
    addresses: floating ? { ...addressesOf(server), ip: floating } : addressesOf(server),
    labels: labelsFrom((key) => server.metadata?.[key]),
    ...(reason ? { reason } : {}),
  };
}
