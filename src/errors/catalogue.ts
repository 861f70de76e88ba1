/**
 * Every error code reef raises, declared once: its class (src/errors/classes.ts decides exit code, HTTP status,
 * retry and throttling from it) and a one-line summary. docs/errors.md is generated from this table
 * (`npm run docs:errors`); test/docs/errors.test.ts fails when the two differ or when the source raises a code
 * that is not here.
 *
 * A code whose failures may go either way (a SQLite store that is busy or read-only) lists the other class in
 * `alsoAs`; the error's constructor (TransientError or FatalError) then picks between them.
 */
import type { ErrorClass } from './classes.js';

export interface CatalogueEntry {
  class: ErrorClass;
  alsoAs?: readonly ErrorClass[];
  summary: string;
}

export const CATALOGUE = {
  REEF_ABORTED: { class: 'transient', summary: 'a call was cancelled because the engine no longer needs it (the instance left that state)' },
  REEF_API_BAD_REQUEST: { class: 'input', summary: 'a request body or parameter is malformed (HTTP 400)' },
  REEF_API_INTERNAL: { class: 'fatal', summary: 'body code of an unexpected server error (HTTP 500); the log has the details' },
  REEF_API_NOT_FOUND: { class: 'not-found', summary: 'no such route, infra or node (HTTP 404)' },
  REEF_API_TOKEN_INVALID: { class: 'input', summary: 'the token file holds a token shorter than 16 characters' },
  REEF_API_UNAUTHORIZED: { class: 'unauthorized', summary: 'missing or wrong bearer token (HTTP 401)' },
  REEF_AUTH_AMBIGUOUS: { class: 'input', summary: 'more than one auth-file entry matches a resource; add a "name" or "endpoint" to tell them apart' },
  REEF_CONFIG_ANSIBLE_MISSING: { class: 'fatal', summary: 'ansible (or ansible-playbook) is not installed on the reef host (Debian: apt-get install ansible-core)' },
  REEF_CONFIG_FAILED: { class: 'fatal', summary: 'a configuration step ran and exited non-zero; the message carries its last output lines' },
  REEF_CONFIG_NO_ADDRESS: { class: 'transient', summary: 'the instance has no address to configure yet (retried)' },
  REEF_CONFIG_PLAYBOOK_MISSING: { class: 'fatal', summary: 'ansible: the playbook file does not exist' },
  REEF_CONFIG_PUPPET_MISSING: { class: 'fatal', summary: 'puppet_solo: puppet is not installed on the target (install it in the image or via contextualisation)' },
  REEF_CONFIG_UNKNOWN_TYPE: { class: 'fatal', summary: 'the config_management type is not supported; the message lists the supported ones' },
  REEF_CONFIG_UNSUPPORTED: { class: 'fatal', summary: 'a config_management setting reef cannot run (e.g. ansible with password login)' },
  REEF_CONTEXT_DOCKER_INVALID: { class: 'input', summary: 'the docker contextualisation section is invalid; the message names the field' },
  REEF_CONTEXT_INVALID: { class: 'input', summary: 'cloud-init context does not parse as YAML, or is missing' },
  REEF_CONTEXT_UNKNOWN: { class: 'input', summary: 'unknown contextualisation type' },
  REEF_DOCKER_ABORTED: { class: 'transient', summary: 'a Docker call was cancelled (the instance left that state)' },
  REEF_DOCKER_CONFLICT: { class: 'transient', summary: 'Docker answered 409 for something other than a name reef can look up' },
  REEF_DOCKER_CONTAINER_GONE: { class: 'transient', summary: 'the container disappeared while reef was starting it' },
  REEF_DOCKER_FORBIDDEN: { class: 'fatal', summary: 'Docker refused the request (HTTP 403)' },
  REEF_DOCKER_IMAGE_NOT_FOUND: { class: 'fatal', summary: 'no such image, with Docker\'s own message' },
  REEF_DOCKER_INVALID: { class: 'fatal', summary: 'Docker rejected the container configuration (HTTP 400), with its message' },
  REEF_DOCKER_NAME_TAKEN: { class: 'fatal', summary: 'the container name belongs to a container reef did not create for this instance' },
  REEF_DOCKER_ORIGIN_INVALID: { class: 'fatal', summary: '`origin` is neither local, dockerhub, file:// nor http(s)://' },
  REEF_DOCKER_ORIGIN_UNREACHABLE: { class: 'transient', summary: 'the image tarball URL could not be fetched (retried)' },
  REEF_DOCKER_ORIGIN_UNREADABLE: { class: 'fatal', summary: 'the image tarball is missing or not a `docker save` archive' },
  REEF_DOCKER_PORT_IN_USE: { class: 'fatal', summary: 'a published host port is already taken' },
  REEF_DOCKER_SERVER: { class: 'transient', summary: 'Docker answered 5xx' },
  REEF_DOCKER_THROTTLED: { class: 'throttled', summary: 'Docker (or a registry behind it) answered 429 Too Many Requests (retried, the endpoint limiter narrows)' },
  REEF_DOCKER_UNCLASSIFIED: { class: 'transient', summary: 'a Docker error not in the classification table yet (retried, logged with classified: false)' },
  REEF_DOCKER_UNREACHABLE: { class: 'unreachable', summary: 'the Docker endpoint does not answer (socket missing, connection refused, timeout)' },
  REEF_DRIVER_UNKNOWN: { class: 'input', summary: 'unknown resource type; the message lists the known ones (built-ins and plugins)' },
  REEF_DUMMY_ABORTED: { class: 'transient', summary: 'a dummy-cloud call was cancelled' },
  REEF_DUMMY_BAD_ENDPOINT: { class: 'fatal', summary: 'a dummy endpoint is not a plain name (letters, digits, . _ -)' },
  REEF_DUMMY_BAD_REF: { class: 'fatal', summary: 'the reference is not a dummy resource' },
  REEF_DUMMY_CLOUD_BROKEN: { class: 'fatal', summary: 'the simulated cloud file is unusable' },
  REEF_DUMMY_CLOUD_BUSY: { class: 'transient', summary: 'the simulated cloud file is locked by another process (retried)' },
  REEF_DUMMY_CLOUD_ERROR: { class: 'transient', summary: 'any other simulated-cloud failure, with its message (retried)' },
  REEF_DUMMY_FATAL: { class: 'fatal', summary: 'injected fatal create failure (fail_create.fatal)' },
  REEF_DUMMY_NO_ADDRESS: { class: 'fatal', summary: 'every address of the dummy endpoint\'s /8 is in use' },
  REEF_DUMMY_UNREACHABLE: { class: 'unreachable', summary: 'a dummy endpoint simulating an outage (unreachable: true) does not answer' },
  REEF_DUMMY_TRANSIENT: { class: 'transient', summary: 'injected transient create failure (fail_create.transient / times)' },
  REEF_EC2_ABORTED: { class: 'transient', summary: 'the call was cancelled' },
  REEF_EC2_AUTH_FAILURE: { class: 'fatal', summary: 'AuthFailure: credentials rejected' },
  REEF_EC2_BAD_CREDENTIALS: { class: 'fatal', summary: 'ec2 auth_data needs a non-empty string "accesskey"' },
  REEF_EC2_BAD_RESPONSE: { class: 'transient', summary: 'RunInstances answered without naming an instance (retried)' },
  REEF_EC2_CONTEXT_UNSUPPORTED: { class: 'fatal', summary: 'the ec2 driver takes cloudinit contextualisation only' },
  REEF_EC2_IDEMPOTENT_PARAMETER_MISMATCH: { class: 'fatal', summary: 'a ClientToken reused with different parameters' },
  REEF_EC2_INSUFFICIENT_CAPACITY: { class: 'transient', summary: 'InsufficientInstanceCapacity (retried)' },
  REEF_EC2_INVALID_AMI: { class: 'fatal', summary: 'InvalidAMIID.*, with the cloud\'s message' },
  REEF_EC2_INVALID_KEY_PAIR: { class: 'fatal', summary: 'InvalidKeyPair.NotFound' },
  REEF_EC2_INVALID_PARAMETER: { class: 'fatal', summary: 'InvalidParameterValue / InvalidParameterCombination' },
  REEF_EC2_INVALID_SECURITY_GROUP: { class: 'fatal', summary: 'InvalidGroup.NotFound' },
  REEF_EC2_INVALID_SUBNET: { class: 'fatal', summary: 'InvalidSubnetID.*' },
  REEF_EC2_MISSING_PARAMETER: { class: 'fatal', summary: 'MissingParameter' },
  REEF_EC2_NO_CREDENTIALS: { class: 'fatal', summary: 'no auth-file entry and no default AWS credentials' },
  REEF_EC2_QUOTA_EXCEEDED: { class: 'fatal', summary: 'InstanceLimitExceeded / VcpuLimitExceeded' },
  REEF_EC2_THROTTLED: { class: 'throttled', summary: 'RequestLimitExceeded (retried, the endpoint limiter narrows)' },
  REEF_EC2_TIMEOUT: { class: 'unreachable', summary: 'the EC2 request timed out (retried with the same ClientToken)' },
  REEF_EC2_TOO_MANY_PAGES: { class: 'transient', summary: 'DescribeInstances returned more pages than reef reads in one list (retried)' },
  REEF_EC2_UNAUTHORIZED: { class: 'fatal', summary: 'UnauthorizedOperation' },
  REEF_EC2_UNAVAILABLE: { class: 'transient', summary: 'EC2 answered 5xx, Unavailable or InternalError (retried)' },
  REEF_EC2_UNCLASSIFIED: { class: 'transient', summary: 'an EC2 error not in the classification table yet (retried, logged with classified: false)' },
  REEF_EC2_UNREACHABLE: { class: 'unreachable', summary: 'the EC2 endpoint does not answer (connection refused, DNS, TLS)' },
  REEF_EC2_UNSUPPORTED: { class: 'fatal', summary: 'the endpoint does not support the operation' },
  REEF_EC2_USERDATA_TOO_LARGE: { class: 'fatal', summary: 'the user data exceeds EC2\'s 16 KiB limit before base64 encoding' },
  REEF_HEALTH_FAILED: { class: 'transient', summary: 'health probes fail; the message lists every failing probe' },
  REEF_HOST_ACCESS_DENIED: { class: 'input', summary: 'reef serve: a descriptor names a server file or URL the operator did not allow (--allow-files DIR, --allow-origin PREFIX); HTTP 400, or the instance fails' },
  REEF_INFRA_DESTROYED: { class: 'conflict', summary: 'the infrastructure is destroyed (or being destroyed): apply it again before scaling' },
  REEF_INFRA_UNKNOWN: { class: 'not-found', summary: 'no infrastructure with that id' },
  REEF_INSTANCE_LOST: { class: 'fatal', summary: 'the resource stopped, failed or vanished from the cloud; the instance is replaced' },
  REEF_INSTANCE_ORPHANED: { class: 'fatal', summary: 'the instance has no node (or no resource section) in the spec' },
  REEF_INSTANCE_TIMEOUT: { class: 'fatal', summary: 'not ready (or unhealthy) for longer than health_check.timeout' },
  REEF_INSTANCE_UNKNOWN: { class: 'not-found', summary: 'the node has no live instance with that id or address' },
  REEF_NOVA_ABORTED: { class: 'transient', summary: 'an OpenStack call was cancelled (the instance left that state)' },
  REEF_NOVA_AUTH_FAILED: { class: 'fatal', summary: 'Keystone refused the credentials or the project (HTTP 401), with Keystone\'s words; nothing is created' },
  REEF_NOVA_BAD_CREDENTIALS: { class: 'fatal', summary: 'nova auth_data lacks a required non-empty string (or no auth entry matches the resource)' },
  REEF_NOVA_BAD_REQUEST: { class: 'fatal', summary: 'Nova or Neutron rejected the request (HTTP 400: unknown image, key pair, security group …), with its message' },
  REEF_NOVA_BAD_RESPONSE: { class: 'transient', summary: 'an OpenStack answer named no server or carried no token (retried)' },
  REEF_NOVA_BUILD_TIMEOUT: { class: 'transient', summary: 'a server that needs a floating IP did not become ACTIVE in time' },
  REEF_NOVA_CONFLICT: { class: 'transient', summary: 'Nova or Neutron answered 409 for something other than a quota' },
  REEF_NOVA_CONTEXT_UNSUPPORTED: { class: 'fatal', summary: 'the nova driver takes cloudinit contextualisation only' },
  REEF_NOVA_FLAVOR_NOT_FOUND: { class: 'fatal', summary: 'no flavor with that id or name (the message lists the flavors there are)' },
  REEF_NOVA_FORBIDDEN: { class: 'fatal', summary: 'Nova or Neutron refused the call (HTTP 403, not a quota): a policy' },
  REEF_NOVA_MICROVERSION: { class: 'fatal', summary: 'the compute API refused the negotiated microversion (HTTP 406)' },
  REEF_NOVA_NOT_FOUND: { class: 'fatal', summary: 'a resource the request names does not exist (HTTP 404)' },
  REEF_NOVA_NO_ENDPOINT: { class: 'fatal', summary: 'the Keystone catalog has no public endpoint of the needed service (in the region asked for)' },
  REEF_NOVA_NO_FLOATING_POOL: { class: 'fatal', summary: 'floating_ip_pool is not an external network of the project (or there is none)' },
  REEF_NOVA_NO_PORT: { class: 'transient', summary: 'the server has no network port yet for its floating IP' },
  REEF_NOVA_NO_VALID_HOST: { class: 'fatal', summary: 'the server went to ERROR with "No valid host was found"' },
  REEF_NOVA_QUOTA_EXCEEDED: { class: 'fatal', summary: 'quota exceeded: Nova\'s 403, Neutron\'s 409 OverQuota, or a server in ERROR with fault 413' },
  REEF_NOVA_SERVER_ERROR: { class: 'fatal', summary: 'the server went to ERROR, with its fault message' },
  REEF_NOVA_SERVER_GONE: { class: 'transient', summary: 'the server disappeared while reef waited for it to become ACTIVE' },
  REEF_NOVA_THROTTLED: { class: 'throttled', summary: 'HTTP 429 (or 413 with Retry-After): retried after Retry-After, the endpoint limiter narrows' },
  REEF_NOVA_TIMEOUT: { class: 'unreachable', summary: 'an OpenStack API gave no answer within the request timeout (30 s)' },
  REEF_NOVA_TOO_MANY_PAGES: { class: 'transient', summary: 'the server list returned more than 200 pages' },
  REEF_NOVA_UNAUTHORIZED: { class: 'fatal', summary: 'a service refused a freshly issued token (HTTP 401 twice)' },
  REEF_NOVA_UNAVAILABLE: { class: 'transient', summary: 'Nova, Neutron or Keystone answered 5xx' },
  REEF_NOVA_UNCLASSIFIED: { class: 'transient', summary: 'an OpenStack error not in the classification table yet (retried, logged with classified: false)' },
  REEF_NOVA_UNREACHABLE: { class: 'unreachable', summary: 'an OpenStack endpoint does not answer (connection refused or reset, DNS)' },
  REEF_NOVA_USERDATA_TOO_LARGE: { class: 'fatal', summary: 'the rendered cloud-init is more than Nova\'s 65535 bytes of base64 (about 48 KiB)' },
  REEF_LEASE_LOST: { class: 'conflict', summary: "a write was refused: this controller no longer holds the infra's lease (another one took over)" },
  REEF_LEASE_UNTRUSTED: { class: 'transient', summary: 'a create or destroy was held back: the infra\'s lease has not been renewed recently enough to be trusted (retried once it is renewed)' },
  REEF_PLUGIN_INVALID: { class: 'input', summary: 'a driver plugin does not export a valid plugin (type, resourceSchema, createDriver, errors); the message names the field' },
  REEF_PLUGIN_NOT_FOUND: { class: 'input', summary: 'a driver plugin (package or file) cannot be found or imported' },
  REEF_REMOTE_FAILED: { class: 'fatal', summary: 'reef serve answered an HTTP error without a reef error code' },
  REEF_REMOTE_UNREACHABLE: { class: 'unreachable', summary: 'reef serve does not answer, or its event stream was lost' },
  REEF_SCALE_OUT_OF_RANGE: { class: 'conflict', summary: 'the scale target is outside the node\'s [min, max]' },
  REEF_SCALE_UNKNOWN_NODE: { class: 'not-found', summary: 'the infrastructure has no node of that name; the message lists its nodes' },
  REEF_SPEC_INVALID: { class: 'input', summary: 'the descriptors are invalid: one FILE:LINE:COL line per problem' },
  REEF_SSH_AUTH: { class: 'fatal', summary: 'SSH authentication failed' },
  REEF_SSH_BAD_REF: { class: 'fatal', summary: 'the reference is not an ssh pool reference (host:port#instance)' },
  REEF_SSH_FAILED: { class: 'transient', summary: 'any other SSH failure, with its message (retried)' },
  REEF_SSH_HOSTKEY_CHANGED: { class: 'fatal', summary: 'the host key differs from the one trusted on first use' },
  REEF_SSH_KEY_INVALID: { class: 'fatal', summary: 'the SSH private key cannot be used (format or passphrase)' },
  REEF_SSH_KEY_UNREADABLE: { class: 'fatal', summary: 'the SSH private key file cannot be read' },
  REEF_SSH_NO_CREDENTIALS: { class: 'fatal', summary: 'no SSH private key or password configured' },
  REEF_SSH_POOL_EXHAUSTED: { class: 'fatal', summary: 'an ssh pool has no free host for a new instance; the message lists who holds each host' },
  REEF_SSH_TIMEOUT: { class: 'transient', summary: 'an SSH command did not finish within its time limit (retried)' },
  REEF_SSH_UNREACHABLE: { class: 'unreachable', summary: 'the SSH host does not answer (refused, timeout, no route)' },
  REEF_SSH_UPLOAD_FAILED: { class: 'fatal', summary: 'an SFTP upload failed' },
  REEF_SSH_UPLOAD_PATH: { class: 'fatal', summary: 'an upload target path is not absolute' },
  REEF_STATE_BAD_PATCH: { class: 'fatal', summary: 'an instance update names a field the store does not have (a bug)' },
  REEF_STATE_GONE: { class: 'transient', summary: 'the SQLite state file was deleted or replaced under a running reef: every write is refused and health is 503 until reef is restarted on a store it can keep' },
  REEF_STATE_MIGRATE: { class: 'fatal', summary: 'copying an SQLite store into PostgreSQL was refused or did not verify (leases still held, target not empty, row counts differ)' },
  REEF_STATE_OPEN: { class: 'fatal', summary: 'the state store cannot be opened (missing folder, permissions, not a SQLite file)' },
  REEF_STATE_READONLY: { class: 'transient', summary: 'the state store became read-only under a running reef (chattr, read-only remount, permissions): every write is refused and health is 503 until it is writable again' },
  REEF_STATE_READ: { class: 'fatal', alsoAs: ['transient'], summary: 'the state store could not be read (retried when busy, locked or an I/O error, else fatal)' },
  REEF_STATE_ROW_CORRUPT: { class: 'fatal', summary: 'a stored row of one infra cannot be read (a JSON column does not parse): that infra alone is reported broken; re-apply it to rewrite its spec' },
  REEF_STATE_TOO_NEW: { class: 'fatal', summary: 'the state store\'s schema is newer than this reef knows; upgrade reef' },
  REEF_STATE_UNREACHABLE: { class: 'unreachable', summary: 'the PostgreSQL state store does not answer the health check (connection lost, server down): health is 503' },
  REEF_STATE_UNKNOWN_INFRA: { class: 'not-found', summary: 'no infrastructure with that id in the store' },
  REEF_STATE_WRITE: { class: 'fatal', alsoAs: ['transient'], summary: 'the state store could not be written (retried when busy, full or an I/O error, else fatal, e.g. read-only)' },
  REEF_TEMPLATE_INVALID: { class: 'input', summary: 'a template has a syntax error or names an unknown variable or node' },
  REEF_TEMPLATE_NOT_READY: { class: 'transient', summary: 'a template asks for the address of a node that has none yet (retried)' },
  REEF_UNCLASSIFIED: { class: 'transient', summary: 'an error no driver classified; retried, and logged with classified: false' },
  REEF_USAGE: { class: 'input', summary: 'command-line usage error (exit 2)' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;

/** Codes declared by driver plugins at start-up (src/reconcilers/plugin.ts), beside reef's own. */
const pluginCodes = new Map<string, CatalogueEntry>();

export function entryOf(code: string): CatalogueEntry | undefined {
  if (Object.hasOwn(CATALOGUE, code)) return (CATALOGUE as Record<string, CatalogueEntry>)[code];
  return pluginCodes.get(code);
}

/** Adds a plugin's codes; returns the first code already declared (nothing is added then), else undefined. */
export function registerErrorCodes(entries: Record<string, CatalogueEntry>): string | undefined {
  const clash = Object.keys(entries).find((code) => {
    const existing = entryOf(code);
    return existing !== undefined && existing !== entries[code];
  });
  if (clash) return clash;
  for (const [code, entry] of Object.entries(entries)) pluginCodes.set(code, entry);
  return undefined;
}
