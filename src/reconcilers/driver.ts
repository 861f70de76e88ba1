/**
 * The plugin contract for one resource `type` (docker, ec2, ssh, dummy). Modelled on crossplane's
 * ExternalClient: observe says whether the resource exists; there is no update (instances are immutable and
 * replaced). Every method receives a CallContext; nothing is imported globally.
 *
 * Failure semantics: every method throws only ReefError (TransientError / FatalError), classified at the
 * driver boundary (classify.ts per driver).
 */
import type { Logger } from '../util/log.js';
import type { Clock } from '../controller/clock.js';
import type { ResourceSection } from '../spec/types.js';

export interface CallContext {
  signal: AbortSignal;
  log: Logger;
  clock: Clock;
}

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
}

export const LABEL_KEYS = { infra: 'reef.infra', node: 'reef.node', instance: 'reef.instance' } as const;

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
}

export interface ObserveRequest<R extends ResourceSection = ResourceSection> {
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

export interface Driver<R extends ResourceSection = ResourceSection> {
  readonly type: string;
  /** JSON Schema of the `resource:` section (ajv). `type` is always present and already checked. */
  readonly resourceSchema: object;

  /** Groups resource sections that share one API endpoint (concurrency limits, one list() per tick). */
  endpointKey(resource: R): string;

  /**
   * Idempotent on req.instanceId: a retried or resumed create returns the existing resource, never a twin.
   * May return before the resource runs; observe()/list() report when it does.
   */
  create(req: CreateRequest<R>, ctx: CallContext): Promise<CreateResult>;

  /** Read-only. An unknown id is `{ exists: false }`, not an error. */
  observe(req: ObserveRequest<R>, ctx: CallContext): Promise<Observation>;

  /** Every reef-labelled resource at one endpoint (optionally of one infra). One paginated call, not one per instance. */
  list(req: ListRequest<R>, ctx: CallContext): Promise<Observation[]>;

  /** Already gone counts as success. Completion is confirmed by observe/list, not by this call returning. */
  destroy(req: DestroyRequest<R>, ctx: CallContext): Promise<void>;

  /** Optional push channel (Docker events). Returns a function that stops watching. */
  watch?(req: WatchRequest<R>, ctx: CallContext): () => void;

  /**
   * Optional: a simulated cloud answers health checks itself (dummy addresses answer nothing real).
   * When present it replaces the network checks for this driver's instances.
   */
  checkHealth?(req: ObserveRequest<R>, ctx: CallContext): Promise<Probe[]>;

  /** Release clients, sockets, timers. */
  close?(): Promise<void>;
}

export interface DriverDeps {
  /** a folder reef may keep driver-local state in (the dummy cloud, SSH host-pool claims). */
  stateDir: string;
  log: Logger;
}

export type DriverFactory = (deps: DriverDeps) => Driver;
