/**
 * Types of the driver contract (the contract itself is written on `Driver` below). Every method receives a
 * CallContext; nothing is imported globally.
 */
import type { Logger } from '../util/log.js';
import type { Clock } from '../util/clock.js';
import { FULL_ACCESS, type HostAccess } from '../util/host-access.js';
import type { ResourceSection } from '../spec/types.js';
import type { SshTarget } from './ssh/types.js';

export interface CallContext {
  signal: AbortSignal;
  log: Logger;
  clock: Clock;
  /**
   * Which local files and URLs a descriptor may make this process read or fetch (src/util/host-access.ts): under
   * `reef serve`, only what the operator allowed; absent means a CLI user's full access. Read it with accessOf().
   */
  access?: HostAccess;
  /**
   * Set on calls that run in the endpoint's concurrency limiter (create): the driver may call it once the calls the
   * bound is for are made and only a read is left (docker: the inspect after create + start), so the next call
   * need not wait for that read. Idempotent; calling it is optional.
   */
  releaseSlot?: () => void;
}

export const accessOf = (ctx: Pick<CallContext, 'access'>): HostAccess => ctx.access ?? FULL_ACCESS;

export interface Addresses {
  /** the address templates' getip() returns and health checks target (public when there is one). */
  ip?: string;
  /** getprivip() */
  privateIp?: string;
}

/** Labels (Docker) / tags (EC2) every reef resource carries. */
export interface ReefLabels {
  infra: string;
  node: string;
  instance: string;
  /**
   * Fingerprint of the node definition the resource was created from (as compose's config-hash label). Stored on
   * the resource at create and returned by list(), so an adopted resource or a restarted controller can tell an
   * outdated resource from a current one. Absent on resources made before reef stored it.
   */
  specHash?: string;
}

export const LABEL_KEYS = { infra: 'reef.infra', node: 'reef.node', instance: 'reef.instance', specHash: 'reef.spec-hash' } as const;

/** The labels as the cloud stores them (key → value), spec hash only when there is one. */
export function labelEntries(labels: ReefLabels): Record<string, string> {
  return {
    [LABEL_KEYS.infra]: labels.infra,
    [LABEL_KEYS.node]: labels.node,
    [LABEL_KEYS.instance]: labels.instance,
    ...(labels.specHash ? { [LABEL_KEYS.specHash]: labels.specHash } : {}),
  };
}

/** The labels read back from the cloud's key → value map ('' for a missing reef key). */
export function labelsFrom(get: (key: string) => string | undefined): ReefLabels {
  const specHash = get(LABEL_KEYS.specHash);
  return {
    infra: get(LABEL_KEYS.infra) ?? '',
    node: get(LABEL_KEYS.node) ?? '',
    instance: get(LABEL_KEYS.instance) ?? '',
    ...(specHash ? { specHash } : {}),
  };
}

/** Where a resource lives: enough to observe or destroy it without the spec. JSON-serialisable. */
export interface ResourceRef {
  driver: string;
  /** the driver's endpointKey() of the resource section it was created from. */
  endpoint: string;
  /** the cloud's own id (container id, EC2 instance id, host name). */
  id: string;
}

export type Phase = 'pending' | 'running' | 'stopped' | 'failed';

export type Observation =
  | { exists: false; ref: ResourceRef }
  | {
      exists: true;
      ref: ResourceRef;
      phase: Phase;
      addresses: Addresses;
      labels: ReefLabels;
      /** the cloud's own words for a stopped/failed phase: "exited (137)", "Server.InternalError". */
      reason?: string;
      /** the resource's own health signal where the cloud has one (Docker HEALTHCHECK). */
      health?: 'starting' | 'healthy' | 'unhealthy';
    };

/** What a contextualiser rendered for one instance. Pure data; drivers decide how to pass it. */
export type ContextPayload =
  | { kind: 'none' }
  | { kind: 'docker'; env: string[]; command?: string | string[] }
  | { kind: 'cloudinit'; userData: string };

export interface CreateRequest<R extends ResourceSection = ResourceSection> {
  /** reef's instance id: the idempotency key (EC2 ClientToken, deterministic container name). */
  instanceId: string;
  labels: ReefLabels;
  /** the resource section, templates already rendered. */
  resource: R;
  context: ContextPayload;
  /** auth_data of the matching auth-file entry, if any. Never log it. */
  credentials?: Record<string, unknown>;
}

export interface CreateResult {
  ref: ResourceRef;
  addresses?: Addresses;
  /**
   * true when the create itself saw the resource running (Docker inspects after starting): the instance goes on
   * without waiting for a list or an event to say so.
   */
  running?: boolean;
}

/** What checkHealth() gets: one created resource. */
export interface HealthRequest<R extends ResourceSection = ResourceSection> {
  ref: ResourceRef;
  resource: R;
  credentials?: Record<string, unknown>;
}

export interface ListRequest<R extends ResourceSection = ResourceSection> {
  /** any resource section at this endpoint: gives the connection settings. */
  resource: R;
  /** only resources labelled with this infra; all reef resources at the endpoint when absent. */
  infraId?: string;
  credentials?: Record<string, unknown>;
}

export interface DestroyRequest<R extends ResourceSection = ResourceSection> {
  ref: ResourceRef;
  resource: R;
  credentials?: Record<string, unknown>;
}

export interface Probe {
  name: string;
  ok: boolean;
  /** "port 22 on 10.0.0.4: connection refused" */
  detail: string;
}

export interface WatchRequest<R extends ResourceSection = ResourceSection> extends ListRequest<R> {
  /** called for every change the cloud pushes (a container died, started, ...). */
  onChange(observation: Observation): void;
}

/**
 * The driver contract: what reef's engine needs from one resource `type` (dummy, docker, ec2, ssh, nova, or a
 * plugin's). Read this before writing a driver; test/drivers/conformance.ts (exported as `reef/conformance`)
 * checks the rules below against a real or emulated backend.
 *
 * How the engine uses a driver (compose-shaped: observe everything by label, then diff):
 *   - once per tick and endpoint it calls list(), and decides from those observations alone what to create,
 *     replace or destroy. There is no per-instance observe: a resource list() does not return is absent.
 *   - create() is called only after reef's instance row (with its id) is committed, so a crash at any point is
 *     followed by another create() with the same instanceId, or by a list() that finds what the first made.
 *   - destroy() is called for a resource to remove; completion is confirmed by a later list(), not by destroy
 *     returning.
 *
 * Rules every method keeps:
 *   - Idempotent. create() under an instanceId that already has a resource returns that resource (deterministic
 *     name, client token, claim row): never a twin, never "already exists". destroy() of a resource that is gone,
 *     or being removed, succeeds.
 *   - One call per instance at a time: the engine never overlaps two calls for the same instance id. Calls for
 *     different instances run concurrently, bounded per endpointKey by reef's limiter (the driver need not limit).
 *   - Blocking and cancellation: a call may take as long as the cloud needs (an image pull, a cleanup command),
 *     but must bound what it waits for and stop promptly when ctx.signal aborts, rejecting with a transient
 *     ReefError (REEF_ABORTED or the driver's own *_ABORTED). Timers go through ctx.clock.
 *   - Errors: only ReefError leaves a driver (kit.ts atBoundary), classified at its boundary into a catalogued
 *     code (src/errors/catalogue.ts) whose class says what reef does: "unreachable" when the endpoint does not
 *     answer, "throttled" when the cloud asks to slow down (with retryAfterMs when it says how long), "fatal"
 *     when retrying cannot help. "Not found" on destroy is success and on list is absence, never a throw.
 *     Messages carry the cloud's own words and never a credential (auth_data values, tokens, keys).
 *   - No grace periods, no retries of whole operations, no waiting for "running": the engine owns time.
 *     (A transport-level retry of one request, as an SDK does, is fine.)
 */
export interface Driver<R extends ResourceSection = ResourceSection> {
  readonly type: string;
  /** JSON Schema of the `resource:` section (ajv). `type` is always present and already checked. */
  readonly resourceSchema: object;

  /**
   * Groups resource sections that share one API endpoint: one list() per tick, one concurrency limit. Pure and
   * stable: it is persisted (ResourceRef.endpoint, instance rows) and must give the same string for the same
   * section across restarts and reef versions. Never include credentials.
   */
  endpointKey(resource: R): string;

  /**
   * Creates the resource for req.instanceId, labelled with req.labels (reef.infra, reef.node, reef.instance,
   * reef.spec-hash) so list() finds it. Idempotent on req.instanceId (see above). May return before the resource
   * runs; list() reports when it does.
   */
  create(req: CreateRequest<R>, ctx: CallContext): Promise<CreateResult>;

  /**
   * Every reef-labelled resource at one endpoint (only req.infraId's when given), each with the labels it was
   * created with. Only resources reef labelled: never a resource without reef.infra. One paginated query, not one
   * call per instance. Half-created resources (created, not yet started) are returned as "pending"; dead ones
   * (exited, error state) as "stopped" or "failed" with the cloud's reason, as long as the cloud still shows them;
   * deleted or being-deleted ones may be omitted. Observations have `exists: true`.
   */
  list(req: ListRequest<R>, ctx: CallContext): Promise<Observation[]>;

  /** Removes the resource. Already gone (or going) counts as success. */
  destroy(req: DestroyRequest<R>, ctx: CallContext): Promise<void>;

  /** Release clients, sockets, timers. Called once when the controller stops. */
  close?(): Promise<void>;
}

/** Optional capability: the cloud pushes changes (Docker events), so reef need not wait for the next list(). */
export interface Watcher<R extends ResourceSection = ResourceSection> {
  /** Returns a function that stops watching. Must not throw; a broken stream reconnects with backoff. */
  watch(req: WatchRequest<R>, ctx: CallContext): () => void;
}

/**
 * Optional capability: the driver answers health checks itself, instead of reef's network probes (a simulated
 * cloud whose addresses answer nothing real).
 */
export interface HealthChecker<R extends ResourceSection = ResourceSection> {
  checkHealth(req: HealthRequest<R>, ctx: CallContext): Promise<Probe[]>;
}

/** Optional capability: how to log in to an instance (the ssh pool's own hosts and pinned host keys). */
export interface ConnectionProvider<R extends ResourceSection = ResourceSection> {
  connectionFor(ref: ResourceRef, resource: R, credentials?: Record<string, unknown>): SshTarget;
}

export function canWatch<R extends ResourceSection>(d: Driver<R>): d is Driver<R> & Watcher<R> {
  return typeof (d as Partial<Watcher<R>>).watch === 'function';
}

export function checksHealth<R extends ResourceSection>(d: Driver<R>): d is Driver<R> & HealthChecker<R> {
  return typeof (d as Partial<HealthChecker<R>>).checkHealth === 'function';
}

export function providesConnection<R extends ResourceSection>(d: Driver<R>): d is Driver<R> & ConnectionProvider<R> {
  return typeof (d as Partial<ConnectionProvider<R>>).connectionFor === 'function';
}

export interface DriverDeps {
  /** a folder reef may keep driver-local state in (the dummy cloud, SSH host-pool claims). */
  stateDir: string;
  log: Logger;
}

export type DriverFactory = (deps: DriverDeps) => Driver;
