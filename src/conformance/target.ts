/** What a driver's author hands the conformance suite: the driver and a backend it can really talk to. */
import type { CallContext, ContextPayload, Driver, ResourceRef } from '../reconcilers/driver.js';
import type { ResourceSection } from '../spec/types.js';

export interface TcpAddress {
  host: string;
  port: number;
}

export interface ConformanceTarget<R extends ResourceSection = ResourceSection> {
  /** shown in test names */
  name: string;
  /** a fresh driver (the suite closes it) */
  driver(): Driver<R> | Promise<Driver<R>>;
  /** a resource section at a backend that answers: resources will be created and destroyed there */
  resource: R;
  /** what the contextualiser rendered, for every create (default none; a container needs a command that stays up) */
  payload?: ContextPayload;
  /** auth_data for `resource`, if the driver needs any */
  credentials?: Record<string, unknown>;
  /** a well-formed ref of a resource that does not exist at `resource`'s endpoint (default id "conformance-missing") */
  missingRef?(resource: R): ResourceRef;
  /** credential values that must never appear in an error (default: `credentials` values under keys naming a key, secret, password or token) */
  secrets?: string[];
  /**
   * The same kind of section, pointed at another TCP address (network drivers). The suite uses it for an address
   * nothing listens on (must be classified "unreachable") and for a server that accepts and never answers (an
   * aborted call must stop).
   */
  resourceAt?(address: TcpAddress): R;
  /** for drivers without a network endpoint: a section whose endpoint does not answer */
  unreachableResource?: R;
  /** for drivers without a network endpoint: a section whose create takes long enough to abort (> 2 s) */
  slowResource?: R;
  /** puts a resource at the endpoint that reef did not label; list() must not return it. Returns its cleanup. */
  foreign?(): Promise<() => Promise<void>>;
  /** removes whatever a failed run left under this infra id (the suite also destroys what it created) */
  cleanup?(infraId: string): Promise<void>;
  /** the CallContext to use (default: real clock, silent log) */
  context?(signal: AbortSignal): CallContext;
  /** bound for one create (default 60 s: a first image pull, an SSH login) */
  createTimeoutMs?: number;
}
