/** Deterministic container names: the idempotency key of create (a retried create meets a 409, not a twin). */
import { createHash } from 'node:crypto';
import type { ReefLabels } from '../driver.js';

const MAX_NAME = 63;

function sanitise(part: string): string {
  return part.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[-_.]+|[-_.]+$/g, '');
}

/**
 * `reef-<infra>-<node>-<instanceId>`, sanitised to Docker's `[a-zA-Z0-9][a-zA-Z0-9_.-]` and at most 63 characters.
 * When it has to be shortened, the infra and node parts give way and a hash of the full triple keeps the name
 * unique per instance.
 */
export function containerName(labels: ReefLabels, instanceId: string): string {
  const infra = sanitise(labels.infra);
  const node = sanitise(labels.node);
  const instance = sanitise(instanceId);
  const full = `reef-${infra}-${node}-${instance}`;
  if (full.length <= MAX_NAME && instance === instanceId) return full;
  const hash = createHash('sha256').update(`${labels.infra}\0${labels.node}\0${instanceId}`).digest('hex').slice(0, 10);
  const room = MAX_NAME - 'reef---'.length - hash.length - 1;
  const instancePart = instance.slice(0, Math.max(8, Math.floor(room / 2)));
  const rest = room - instancePart.length;
  const infraPart = infra.slice(0, Math.ceil(rest / 2));
  const nodePart = node.slice(0, rest - infraPart.length);
  return `reef-${infraPart}-${nodePart}-${instancePart}-${hash}`.replace(/-{2,}/g, '-');
}
