/**
 * The cloud endpoints one infra uses: drivers (loaded once), the limiter per endpoint (shared by every infra of
 * the controller), which endpoints to list each tick, and the push channels (watch) opened on them.
 */
import { canWatch, type Driver, type Observation } from '../reconcilers/driver.js';
import type { DriverRegistry } from '../reconcilers/registry.js';
import type { InfraSpec, ResourceSection } from '../spec/types.js';
import type { Logger } from '../util/log.js';
import type { HostAccess } from '../util/host-access.js';
import type { Clock } from './clock.js';
import { EndpointLimiter } from './limiter.js';
import type { EndpointTarget } from './observe.js';

export type CredentialsFn = (kind: 'resource' | 'config_management', section: Record<string, unknown>) => Record<string, unknown> | undefined;

export interface EndpointDeps {
  registry: DriverRegistry;
  limiters: Map<string, EndpointLimiter>;
  concurrency: number;
  credentials: CredentialsFn;
  clock: Clock;
  log: Logger;
  /** the runtime's: aborting it closes every watch */
  signal: AbortSignal;
  /** ControllerOptions.access: what descriptors may make this process reach */
  access?: HostAccess;
}

export class EndpointPool {
  private readonly loaded = new Map<string, Driver>();
  private readonly keyCache = new Map<string, string>();
  private readonly watched = new Set<string>();
  private readonly unwatch: Array<() => void> = [];

  constructor(private readonly deps: EndpointDeps) {}

  async driver(type: string): Promise<Driver> {
    const d = await this.deps.registry.get(type);
    this.loaded.set(type, d);
    return d;
  }

  /** Loads every driver the spec names, so endpoint keys can be computed synchronously afterwards. */
  async load(spec: InfraSpec): Promise<void> {
    for (const node of spec.nodes) for (const impl of node.implementations) await this.driver(impl.resource.type);
  }

  /** The driver's endpointKey (pure); a placeholder until the driver is loaded. */
  endpointOf(resource: ResourceSection): string {
    const cacheKey = JSON.stringify(resource);
    const cached = this.keyCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const driver = this.loaded.get(resource.type);
    if (!driver) return `${resource.type}:${resource.endpoint ?? 'default'}`;
    const key = driver.endpointKey(resource);
    this.keyCache.set(cacheKey, key);
    return key;
  }

  limiter(key: string): EndpointLimiter {
    let l = this.deps.limiters.get(key);
    if (!l) {
      l = new EndpointLimiter({ concurrency: this.deps.concurrency });
      this.deps.limiters.set(key, l);
    }
    return l;
  }

  limiterFor(resource: ResourceSection): EndpointLimiter {
    return this.limiter(`${resource.type}|${this.endpointOf(resource)}`);
  }

  /** One target per endpoint: every implementation of the spec, plus where existing instances live. */
  targets(spec: InfraSpec, placed: Array<{ resource: ResourceSection; endpoint: string }>): EndpointTarget[] {
    const targets = new Map<string, EndpointTarget>();
    const add = (resource: ResourceSection, endpoint: string) => {
      const key = `${resource.type}|${endpoint}`;
      if (!targets.has(key)) {
        targets.set(key, { driverType: resource.type, key, endpoint, resource, credentials: this.deps.credentials('resource', resource) });
      }
    };
    for (const node of spec.nodes) for (const impl of node.implementations) add(impl.resource, this.endpointOf(impl.resource));
    for (const p of placed) add(p.resource, p.endpoint);
    return [...targets.values()];
  }

  /** Opens the driver's push channel once per endpoint (Docker events); changes arrive between ticks. */
  watch(targets: EndpointTarget[], infraId: string, onChange: (o: Observation) => void): void {
    for (const t of targets) {
      const driver = this.loaded.get(t.driverType);
      if (!driver || !canWatch(driver) || this.watched.has(t.key)) continue;
      this.watched.add(t.key);
      this.unwatch.push(
        driver.watch(
          { resource: t.resource, infraId, credentials: t.credentials, onChange },
          { signal: this.deps.signal, log: this.deps.log, clock: this.deps.clock, access: this.deps.access },
        ),
      );
    }
  }

  /** A watch was opened on the endpoint (it reconnects and re-lists by itself when its stream drops). */
  watching(key: string): boolean {
    return this.watched.has(key);
  }

  stop(): void {
    for (const stop of this.unwatch.splice(0)) stop();
    this.watched.clear();
  }
}
