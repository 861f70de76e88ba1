/**
 * The `resource:` section of a docker implementation: Occopus's keys (type, endpoint, origin, image, tag, name,
 * network_mode) plus the options Docker users expect. Instances are replaced, never restarted, so there is no
 * restart policy.
 */
import type { ResourceSection } from '../../spec/types.js';

export const DEFAULT_ENDPOINT = 'unix:///var/run/docker.sock';
export const DEFAULT_STOP_TIMEOUT_S = 2;

export interface DockerResource extends ResourceSection {
  type: 'docker';
  /** `unix:///var/run/docker.sock` (default) or `tcp://HOST:PORT`. */
  endpoint?: string;
  image: string;
  /** default `latest` (or the tag written in `image`). */
  tag?: string;
  /** `local` (must exist), `dockerhub` (pull), or a URL / `file://` path of a `docker save` tarball. */
  origin?: string;
  name?: string;
  network_mode?: string;
  /** `"8080:80"`, `"127.0.0.1::80"`, `"127.0.0.1:8080:80/udp"`, `"80"`. */
  ports?: Array<string | number>;
  /** `"/host:/ctr[:ro]"`, `"volname:/ctr"`, `"/ctr"` (anonymous, removed with the container). */
  volumes?: string[];
  /** bytes, or `"256m"`, `"1g"`, `"512k"`. */
  memory?: string | number;
  cpus?: number;
  labels?: Record<string, string>;
  privileged?: boolean;
  cap_add?: string[];
  /** `"host:ip"` */
  extra_hosts?: string[];
  /** seconds between SIGTERM and SIGKILL on destroy (default 2). */
  stop_timeout?: number;
}

export const resourceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'image'],
  properties: {
    type: { const: 'docker' },
    endpoint: { type: 'string', pattern: '^(unix://|tcp://|http://)' },
    image: { type: 'string', minLength: 1 },
    tag: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }] },
    origin: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    network_mode: { type: 'string', minLength: 1 },
    ports: {
      type: 'array',
      items: {
        anyOf: [
          { type: 'integer', minimum: 1, maximum: 65535 },
          { type: 'string', pattern: '^(?:(?:\\[[0-9a-fA-F:.]+\\]|[0-9.]+):)?(?:[0-9]*:)?[0-9]+(?:/(?:tcp|udp|sctp))?$' },
        ],
      },
    },
    volumes: { type: 'array', items: { type: 'string', minLength: 1 } },
    memory: {
      anyOf: [
        { type: 'integer', minimum: 6291456 },
        { type: 'string', pattern: '^[0-9]+(?:\\.[0-9]+)?\\s*[bkmgBKMG]?[bB]?$' },
      ],
    },
    cpus: { type: 'number', exclusiveMinimum: 0 },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    privileged: { type: 'boolean' },
    cap_add: { type: 'array', items: { type: 'string', minLength: 1 } },
    extra_hosts: { type: 'array', items: { type: 'string', pattern: '^[^:\\s]+:\\S+$' } },
    stop_timeout: { type: 'integer', minimum: 0, maximum: 600 },
  },
} as const;
