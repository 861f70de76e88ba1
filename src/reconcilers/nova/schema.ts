/**
 * The `resource:` section of a nova implementation, with Occopus's field names. Required: endpoint (Keystone
 * v3; `/v3` is appended when the URL names no version, as Occopus does), image_id, flavor_name, project_id.
 * Optional fields may be written empty (YAML null), as Occopus's kubernetes tutorial does: null means "not set".
 */
import type { ResourceSection } from '../../spec/types.js';

export interface NovaResource extends ResourceSection {
  type: 'nova';
  endpoint: string;
  image_id: string;
  /** a flavor name or id (Occopus's tutorials write ids, sometimes as YAML numbers). */
  flavor_name: string | number;
  project_id: string;
  server_name?: string | null;
  key_name?: string | null;
  security_groups?: string[] | null;
  network_id?: string | null;
  /** any Occopus-truthy value asks for a floating IP ("yes", true). */
  floating_ip?: boolean | string | null;
  /** external network name or id; default: the first external network the project can see. */
  floating_ip_pool?: string | null;
  region_name?: string | null;
  user_domain_name?: string | null;
  /** deprecated in Occopus (project_id wins); accepted and ignored. */
  tenant_name?: string | null;
  volume_size?: number | null;
  volume_persist?: boolean | null;
  name?: string;
}

const optionalString = { type: ['string', 'null'] } as const;

export const resourceSchema = {
  $id: 'reef:resource/nova',
  type: 'object',
  required: ['type', 'endpoint', 'image_id', 'flavor_name', 'project_id'],
  additionalProperties: false,
  properties: {
    type: { const: 'nova' },
    endpoint: { type: 'string', pattern: '^https?://' },
    image_id: { type: 'string', minLength: 1 },
    flavor_name: { type: ['string', 'integer'], minLength: 1 },
    project_id: { type: 'string', minLength: 1 },
    server_name: optionalString,
    key_name: optionalString,
    security_groups: { type: ['array', 'null'], items: { type: 'string', minLength: 1 } },
    network_id: optionalString,
    floating_ip: { type: ['boolean', 'string', 'null'] },
    floating_ip_pool: optionalString,
    region_name: optionalString,
    user_domain_name: optionalString,
    tenant_name: optionalString,
    volume_size: { type: ['integer', 'null'], minimum: 0 },
    volume_persist: { type: ['boolean', 'null'] },
    name: { type: 'string' },
  },
} as const;

/** Occopus appends `/v3` unless the endpoint already ends in a version (`/v3`, `/v2.0`). */
export function keystoneUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return /\/v\d+(\.\d+)?$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

/** Occopus tests `if floating_ip:` (Python truthiness); YAML 1.2 leaves `yes`/`no` as strings, so read them. */
export function wantsFloatingIp(resource: NovaResource): boolean {
  const v = resource.floating_ip;
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  return !/^(|no|false|off|0)$/i.test(v.trim());
}
