/**
 * The composition root of reconciliation: one InfraRuntime per infra this process holds the lease of.
 * `run()` drives one infra to convergence (the CLI); `serve()` keeps every infra in the store reconciled.
 * Construction is explicit; there are no module-level singletons.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { InfraRecord, Store } from '../state/store.js';
import type { DriverRegistry } from '../reconcilers/registry.js';
import type { AuthFile } from '../spec/types.js';
import type { Logger } from '../util/log.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_OPTIONS, type ControllerOptions } from './options.js';
import { InfraRuntime, type InfraProblem, type RuntimeDeps } from './infra-runtime.js';
import type { EndpointLimiter } from './limiter.js';
import type { RuntimeStatus } from './status.js';
import { FatalError, asReefError } from '../errors/index.js';
import { FRESH, nextRun, type RetryState } from './requeue.js';

export interface ControllerDeps {
  store: Store;
  registry: DriverRegistry;
  log: Logger;
  clock?: Clock;
  options?: Partial<ControllerOptions>;
  /** who holds leases: defaults to host:pid:random */
  holder?: string;
  /** reads an infra's auth file (given at apply time); secrets stay in memory only */
  loadAuth?: (path: string) => AuthFile;
}

export interface RunOptions {
  timeoutMs: number;
  /** give up once a cloud endpoint the infra uses has not answered for this long (default: wait until timeoutMs) */
  endpointWaitMs?: number;
  onStatus?: (s: RuntimeStatus) => void;
}

export type RunResult =
  | { kind: 'converged'; status: RuntimeStatus }
  | { kind: 'failed'; status: RuntimeStatus }
  | { kind: 'timeout'; status: RuntimeStatus }
  /** this process stopped reconciling before an outcome (stop(), or the lease was lost) */
  | { kind: 'stopped'; status: RuntimeStatus }
  | { kind: 'held'; holder: string }
  /** the infra cannot be reconciled until something changes (its auth file cannot be read, ...) */
  | { kind: 'error'; problem: InfraProblem; status: RuntimeStatus }
  /** an endpoint did not answer for endpointWaitMs; `message` says which, since when, and in the cloud's words */
  | { kind: 'unreachable'; message: string; status: RuntimeStatus };

export class Controller {
  readonly holder: string;
  private readonly clock: Clock;
  private readonly options: ControllerOptions;
  private readonly limiters = new Map<string, EndpointLimiter>();
  private readonly runtimes = new Map<string, { runtime: InfraRuntime; renew: unknown; seen: number }>();
  /** infras whose attach failed (serve): each waits out its own backoff; the others are not held up */
  private readonly attachFailures = new Map<string, RetryState & { retryAt: number; seenAt?: number }>();
  private serving = false;
  private discoverTimer: unknown;

  constructor(private readonly deps: ControllerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.options = { ...DEFAULT_OPTIONS, ...deps.options };
    this.holder = deps.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  /** Reconciles one infra until it converges, a node fails for good, or the timeout passes. */
  async run(infraId: string, opts: RunOptions): Promise<RunResult> {
    const runtime = await this.attach(infraId);
    if (!runtime) {
      const lease = await this.deps.store.getLease(infraId);
      return { kind: 'held', holder: lease?.holder ?? 'another process' };
    }
    try {
      return await new Promise<RunResult>((resolve) => {
        const finish = (r: RunResult) => {
          off();
          offStop();
          this.clock.clearTimeout(timer);
          resolve(r);
        };
        const offStop = runtime.onStop(() => finish({ kind: 'stopped', status: runtime.status }));
        const timer = this.clock.setTimeout(() => finish({ kind: 'timeout', status: runtime.status }), opts.timeoutMs);
        const off = runtime.onStatus((s) => {
          opts.onStatus?.(s);
          const problem = runtime.currentProblem;
          const down = opts.endpointWaitMs === undefined ? undefined
            : s.errors.find((e) => e.since !== undefined && this.clock.now() - e.since >= opts.endpointWaitMs!);
          if (problem?.terminal) finish({ kind: 'error', problem, status: s });
          else if (down) finish({ kind: 'unreachable', message: down.message, status: s });
          else if (s.converged) finish({ kind: 'converged', status: s });
          else if (s.failedNodes.length > 0 && s.settled) finish({ kind: 'failed', status: s });
        });
      });
    } finally {
      await this.detach(infraId);
    }
  }

  /** Keeps every active or destroying infra in the store reconciled, picking up new ones, until stop(). */
  async serve(): Promise<void> {
    this.serving = true;
    await this.discover();
  }

  async stop(): Promise<void> {
    this.serving = false;
    if (this.discoverTimer !== undefined) this.clock.clearTimeout(this.discoverTimer);
    await Promise.all([...this.runtimes.keys()].map((id) => this.detach(id)));
  }

  statusOf(infraId: string): RuntimeStatus | undefined {
    return this.runtimes.get(infraId)?.runtime.status;
  }

  /**
   * Marks a live instance of an infra this process reconciles for removal (a scale-down that names it): the
   * running runtime owns its instances in memory, so a mark written only to the store would not be seen.
   * False when this process does not reconcile the infra or has no such instance.
   */
  removeInstance(infraId: string, instanceId: string, reason = 'scale-down'): boolean {
    return this.runtimes.get(infraId)?.runtime.removeInstance(instanceId, reason) ?? false;
  }

  /** Wakes an infra's runtime now (after apply/scale through this process); a serving controller picks up a new infra at once. */
  nudge(infraId: string): void {
    const entry = this.runtimes.get(infraId);
    if (entry) entry.runtime.wake();
    else if (this.serving) {
      this.attachFailures.delete(infraId);
      void this.attachIsolated(infraId);
    }
  }

  /**
   * Starts a runtime for every infra that has none (and takes over lapsed leases). Each infra is attached on its
   * own: one that cannot be (its store rows cannot be read, its runtime cannot start) is reported once, waits out
   * its own backoff, and holds no lease meanwhile; the infras after it are attached all the same.
   */
  private async discover(): Promise<void> {
    if (!this.serving) return;
    try {
      for (const infra of await this.deps.store.listInfras()) {
        if (infra.status === 'destroyed') continue;
        const entry = this.runtimes.get(infra.id);
        // changed by another process (apply, scale, destroy): its runtime looks now, even while backing off
        if (entry && infra.updatedAt !== entry.seen) {
          entry.seen = infra.updatedAt;
          entry.runtime.wake();
        }
        if (!entry) await this.attachIsolated(infra.id, infra.updatedAt);
      }
    } catch (err) {
      this.deps.log.error({ err }, 'could not read the store; retrying');
    }
    this.discoverTimer = this.clock.setTimeout(() => void this.discover(), this.options.pollMs * 2);
  }

  private async attachIsolated(infraId: string, updatedAt?: number): Promise<void> {
    const failed = this.attachFailures.get(infraId);
    if (failed && this.clock.now() < failed.retryAt && failed.seenAt === updatedAt) return;
    try {
      await this.attach(infraId);
      if (failed) this.deps.log.info({ infra: infraId }, 'reconciling again');
      this.attachFailures.delete(infraId);
    } catch (e) {
      const error = asReefError(e);
      const next = nextRun(error.transient ? { kind: 'error', error } : { kind: 'terminal', error }, failed ?? FRESH,
        { resyncMs: this.options.resyncMs, backoff: this.options.requeue }, this.options.rand());
      if (next.report) this.deps.log.error({ err: error, infra: infraId }, `could not start reconciling ${infraId}: ${error.message}`);
      this.attachFailures.set(infraId, { ...next.state, retryAt: this.clock.now() + next.delayMs, seenAt: updatedAt });
    }
  }

  private async attach(infraId: string): Promise<InfraRuntime | undefined> {
    const existing = this.runtimes.get(infraId);
    if (existing) return existing.runtime;
    const infra = await this.deps.store.getInfra(infraId);
    if (!infra) throw new FatalError('REEF_INFRA_UNKNOWN', `no infrastructure "${infraId}" in the store`);
    if (!(await this.acquire(infraId))) return undefined;
    try {
      return await this.startRuntime(infra);
    } catch (e) {
      // no lease without a runtime behind it
      await this.detach(infraId);
      await this.deps.store.releaseLease(infraId, this.holder).catch(() => {});
      throw e;
    }
  }

  private async startRuntime(infra: InfraRecord): Promise<InfraRuntime> {
    const infraId = infra.id;
    const runtime = new InfraRuntime(
      {
        store: this.deps.store,
        registry: this.deps.registry,
        clock: this.clock,
        log: this.deps.log,
        options: this.options,
        limiters: this.limiters,
        loadAuth: this.deps.loadAuth,
      },
      infra,
    );
    const entry = { runtime, renew: undefined as unknown, seen: infra.updatedAt };
    this.runtimes.set(infraId, entry);
    const renew = async () => {
      const ok = await this.deps.store.acquireLease(infraId, this.holder, this.options.leaseTtlMs, this.clock.now()).catch(() => false);
      if (!ok) {
        this.deps.log.warn({ infra: infraId }, 'lost the lease to another controller; stopping here');
        await this.detach(infraId);
        return;
      }
      if (runtime.status.phase === 'destroyed') {
        await this.detach(infraId);
        return;
      }
      entry.renew = this.clock.setTimeout(() => void renew(), this.options.leaseTtlMs / 3);
    };
    entry.renew = this.clock.setTimeout(() => void renew(), this.options.leaseTtlMs / 3);
    await runtime.start();
    return runtime;
  }

  /** Takes the lease; a lease whose holder is a dead process on this host is taken over at once, not after its TTL. */
  private async acquire(infraId: string): Promise<boolean> {
    const store = this.deps.store;
    if (await store.acquireLease(infraId, this.holder, this.options.leaseTtlMs, this.clock.now())) return true;
    const lease = await store.getLease(infraId);
    if (!lease || !isDeadLocalHolder(lease.holder)) return false;
    this.deps.log.info({ infra: infraId }, `taking over the lease of ${lease.holder}, which is no longer running`);
    await store.releaseLease(infraId, lease.holder);
    return store.acquireLease(infraId, this.holder, this.options.leaseTtlMs, this.clock.now());
  }

  private async detach(infraId: string): Promise<void> {
    const entry = this.runtimes.get(infraId);
    if (!entry) return;
    this.runtimes.delete(infraId);
    this.clock.clearTimeout(entry.renew);
    await entry.runtime.stop();
    await this.deps.store.releaseLease(infraId, this.holder).catch(() => {});
  }
}

export function createController(deps: ControllerDeps): Controller {
  return new Controller(deps);
}

/** Holders are `host:pid:nonce`; on this host a missing pid means the holder was killed. */
function isDeadLocalHolder(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
