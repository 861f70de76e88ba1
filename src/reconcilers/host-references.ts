/**
 * The fields of a node definition that make reef read a local file or connect to a URL on its own host (not on
 * the instance): the docker `origin` and `endpoint`, ssh's and config management's `private_key_path`, ansible's
 * `playbook`. `reef serve` refuses a client's definition naming one the operator did not allow (400), and the
 * driver checks again at the moment it reads or fetches. Health-check `urls` are checked at the probe only (they
 * usually name the instance's own address, known only then). Templated values are checked at the effect, rendered.
 */
import type { Implementation } from '../spec/types.js';
import { allowedFile, allowedUrl, type HostAccess } from '../util/host-access.js';
import { DEFAULT_ENDPOINT } from './docker/schema.js';
import { parseEndpoint, type ParsedEndpoint } from './docker/endpoint.js';
import { expandHome } from './ssh/connect.js';

export interface HostReference {
  /** e.g. `resource.origin` */
  field: string;
  kind: 'file' | 'url';
  value: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const TEMPLATE = /\{\{|\{%/;

function parsedEndpoint(endpoint: string): ParsedEndpoint | undefined {
  try {
    return parseEndpoint(endpoint);
  } catch {
    return undefined; // the driver refuses it with its own message
  }
}

export function hostReferences(impl: Implementation): HostReference[] {
  const out: HostReference[] = [];
  const r = impl.resource as Record<string, unknown>;
  if (r.type === 'docker') {
    const origin = str(r.origin);
    if (origin && origin !== 'local' && origin !== 'dockerhub') {
      out.push(/^https?:\/\//i.test(origin)
        ? { field: 'resource.origin', kind: 'url', value: origin }
        : { field: 'resource.origin', kind: 'file', value: origin.startsWith('file://') ? decodeURIComponent(origin.slice('file://'.length)) : origin });
    }
    const endpoint = str(r.endpoint);
    const parsed = endpoint && !TEMPLATE.test(endpoint) ? parsedEndpoint(endpoint) : undefined;
    if (parsed && parsed.key !== DEFAULT_ENDPOINT) {
      out.push('socketPath' in parsed.connection
        ? { field: 'resource.endpoint', kind: 'file', value: parsed.connection.socketPath }
        : { field: 'resource.endpoint', kind: 'url', value: parsed.key });
    }
  }
  const key = str(r.private_key_path);
  if (r.type === 'ssh' && key) out.push({ field: 'resource.private_key_path', kind: 'file', value: expandHome(key) });
  const cm = (impl.config_management ?? {}) as Record<string, unknown>;
  const cmKey = str(cm.private_key_path);
  if (cmKey) out.push({ field: 'config_management.private_key_path', kind: 'file', value: expandHome(cmKey) });
  const playbook = str(cm.playbook);
  if (cm.type === 'ansible' && playbook) out.push({ field: 'config_management.playbook', kind: 'file', value: playbook });
  return out.filter((ref) => !TEMPLATE.test(ref.value));
}

/** Throws REEF_HOST_ACCESS_DENIED for the first reference the access does not allow; `where` prefixes the field. */
export function checkHostReferences(access: HostAccess, where: string, impl: Implementation): void {
  if (access.unrestricted) return;
  for (const ref of hostReferences(impl)) {
    if (ref.kind === 'file') allowedFile(access, `${where}: ${ref.field}`, ref.value);
    else allowedUrl(access, `${where}: ${ref.field}`, ref.value);
  }
}
