/**
 * The `resource:` section of an ec2 implementation, with Occopus's field names (type, endpoint, regionname,
 * image_id, instance_type, key_name, security_group_ids, subnet_id, tags, name). Works with any EC2-compatible
 * endpoint (AWS, OpenStack's ec2-api, Eucalyptus, moto ...).
 */
import type { ResourceSection } from '../../spec/types.js';

export const DEFAULT_REGION = 'us-east-1';

export interface Ec2Resource extends ResourceSection {
  type: 'ec2';
  /** the EC2 API URL, e.g. `https://ec2.eu-west-1.amazonaws.com` or `http://127.0.0.1:5000`. */
  endpoint: string;
  /** default `us-east-1` (Occopus requires it; reef defaults it). */
  regionname?: string;
  image_id: string;
  instance_type: string;
  key_name?: string;
  security_group_ids?: string[];
  subnet_id?: string;
  /** extra instance tags; reef's own `reef.*` tags always win. */
  tags?: Record<string, string>;
  /** used for auth-file matching and logs, as in Occopus. */
  name?: string;
}

export const resourceSchema = {
  $id: 'reef:resource/ec2',
  type: 'object',
  required: ['type', 'endpoint', 'image_id', 'instance_type'],
  additionalProperties: false,
  properties: {
    type: { const: 'ec2' },
    endpoint: { type: 'string', pattern: '^https?://' },
    regionname: { type: 'string', minLength: 1 },
    image_id: { type: 'string', minLength: 1 },
    instance_type: { type: 'string', minLength: 1 },
    key_name: { type: 'string', minLength: 1 },
    security_group_ids: { type: 'array', items: { type: 'string', minLength: 1 } },
    subnet_id: { type: 'string', minLength: 1 },
    tags: {
      type: 'object',
      additionalProperties: { type: 'string', maxLength: 256 },
      propertyNames: { minLength: 1, maxLength: 128, not: { pattern: '^reef\\.' } },
    },
    name: { type: 'string' },
  },
} as const;

export function regionOf(resource: Ec2Resource): string {
  return resource.regionname ?? DEFAULT_REGION;
}
