/** EC2 Instance (SDK shape) → reef Observation. Pure. */
import type { Instance } from '@aws-sdk/client-ec2';
import { labelsFrom, type Observation, type Phase, type ResourceRef } from '../driver.js';

/** EC2 state name → reef phase; undefined means the instance is gone. */
export function phaseOf(stateName: string | undefined): Phase | undefined {
  switch (stateName) {
    case 'pending':
      return 'pending';
    case 'running':
      return 'running';
    case 'stopping':
    case 'stopped':
    case 'shutting-down':
      return 'stopped';
    case 'terminated':
      return undefined;
    default:
      // An unknown state name from a non-AWS endpoint: treat as not there yet rather than failed.
      return 'pending';
  }
}

export function tagValue(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((t) => t.Key === key)?.Value;
}

export function toObservation(instance: Instance, ref: ResourceRef): Observation {
  const stateName = instance.State?.Name;
  const phase = phaseOf(stateName);
  if (!phase) return { exists: false, ref };
  const ip = instance.PublicIpAddress ?? instance.PrivateIpAddress;
  const privateIp = instance.PrivateIpAddress;
  const reason = phase === 'stopped' ? (instance.StateReason?.Message ?? stateName) : undefined;
  return {
    exists: true,
    ref,
    phase,
    addresses: { ...(ip ? { ip } : {}), ...(privateIp ? { privateIp } : {}) },
    labels: labelsFrom((key) => tagValue(instance, key)),
    ...(reason ? { reason } : {}),
  };
}
