/** CreateRequest → Nova's `POST /servers` body, and the deterministic name reef looks servers up by. Pure. */
import { labelEntries, type ContextPayload, type CreateRequest, type ReefLabels } from '../driver.js';
import { FatalError } from '../errors.js';
import { NETWORKS_REQUIRED_MIN, TAGS_MIN, atLeast } from './microversion.js';
import type { NovaResource } from './schema.js';

/** Nova refuses user_data above 65535 bytes *after* base64 encoding (the column is a TEXT). */
export const USER_DATA_MAX_BASE64_BYTES = 65_535;
/** The tag every reef server carries, so list() can ask Nova for reef's servers only. */
export const REEF_TAG = 'reef';

/** The instance's own part of its id: the controller's ids are `<node>-<random>`. */
function ownPart(labels: ReefLabels, instanceId: string): string {
  return instanceId.startsWith(`${labels.node}-`) ? instanceId.slice(labels.node.length + 1) : instanceId;
}

/**
 * `<server_name>-<own id>` when the resource names one (Occopus used server_name for every instance of a
 * node; reef keeps it as the prefix so instances stay apart), else `reef-<infra>-<node>-<own id>`.
 */
export function serverName(resource: NovaResource, labels: ReefLabels, instanceId: string): string {
  const base = resource.server_name || `reef-${labels.infra}-${labels.node}`;
  return `${base}-${ownPart(labels, instanceId)}`.slice(0, 255);
}

/** Tags are ≤ 60 characters without "/" or ","; an infra id that does not fit gets only the plain tag. */
export function infraTag(infra: string): string | undefined {
  const tag = `reef-infra:${infra}`;
  return tag.length <= 60 && !/[/,]/.test(tag) ? tag : undefined;
}

export function serverMetadata(labels: ReefLabels): Record<string, string> {
  return labelEntries(labels);
}

export function encodeUserData(context: ContextPayload): string | undefined {
  if (context.kind === 'none') return undefined;
  if (context.kind !== 'cloudinit') {
    throw new FatalError('REEF_NOVA_CONTEXT_UNSUPPORTED', `the nova driver takes cloudinit contextualisation, not '${context.kind}'`);
  }
  return checkUserDataSize(context.userData);
}

/** base64 of the user data; FatalError REEF_NOVA_USERDATA_TOO_LARGE above Nova's limit. Exported for the validator. */
export function checkUserDataSize(userData: string, where = 'user data'): string {
  const encoded = Buffer.from(userData, 'utf8').toString('base64');
  if (encoded.length > USER_DATA_MAX_BASE64_BYTES) {
    throw new FatalError('REEF_NOVA_USERDATA_TOO_LARGE',
      `${where} is ${Buffer.byteLength(userData, 'utf8')} bytes (${encoded.length} in base64); Nova accepts at most ${USER_DATA_MAX_BASE64_BYTES} bytes of base64 (about 48 KiB of text)`);
  }
  return encoded;
}

export interface ServerBodyInput {
  req: CreateRequest<NovaResource>;
  flavorId: string;
  /** negotiated compute microversion (undefined: plain 2.1) */
  microversion: string | undefined;
  /** the flavor's disk in GB, for `volume_size: 0` (boot from a volume of the flavor's size) */
  flavorDiskGb?: number;
}

export function serverBody({ req, flavorId, microversion, flavorDiskGb }: ServerBodyInput): { server: Record<string, unknown> } {
  const r = req.resource;
  const userData = encodeUserData(req.context);
  const server: Record<string, unknown> = {
    name: serverName(r, req.labels, req.instanceId),
    imageRef: r.image_id,
    flavorRef: flavorId,
    metadata: serverMetadata(req.labels),
  };
  if (r.network_id) server.networks = [{ uuid: r.network_id }];
  else if (atLeast(microversion, NETWORKS_REQUIRED_MIN)) server.networks = 'auto';
  if (atLeast(microversion, TAGS_MIN)) server.tags = [REEF_TAG, infraTag(req.labels.infra)].filter((t): t is string => Boolean(t));
  if (r.key_name) server.key_name = r.key_name;
  if (r.security_groups?.length) server.security_groups = r.security_groups.map((name) => ({ name }));
  if (userData !== undefined) server.user_data = userData;
  if (r.volume_size !== undefined && r.volume_size !== null) {
    const size = r.volume_size > 0 ? r.volume_size : flavorDiskGb;
    if (!size) {
      throw new FatalError('REEF_NOVA_BAD_REQUEST', `volume_size 0 takes the flavor's disk size, but flavor ${flavorId} has none`);
    }
    // boot from a new volume made from the image; Occopus deletes it with the server unless volume_persist
    delete server.imageRef;
    server.block_device_mapping_v2 = [{
      boot_index: 0, uuid: r.image_id, source_type: 'image', destination_type: 'volume',
      volume_size: size, delete_on_termination: !r.volume_persist,
    }];
  }
  return { server };
}
