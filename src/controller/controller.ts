/**
 * The composition root of reconciliation: one InfraRuntime per infra this process holds the lease of.
 * `run()` drives one infra to convergence (the CLI); `serve()` keeps every infra in the store reconciled.
 * Construction is explicit; there are no module-level singletons.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Fence, InfraRecord, Store } from '../state/store.js';
import { fencedView, isStoreUnavailable } from '../state/fenced.js';
import { HeldLease } from './held-lease.js';
import { LeaseKeeper } from './lease-keeper.js';
import { gateRegistry } from './lease-gate.js';
import { decideShare, takeUpTo } from './share.js';
import type { DriverRegistry } from '../reconcilers/registry.js';
import type { AuthFile } from '../spec/types.js';
import type { Logger } from '../util/log.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_OPTIONS, type ControllerOptions } from './options.js';
import { InfraRuntime, type RuntimeDeps } from './infra-runtime.js';
import type { EndpointLimiter } from './limiter.js';
import type { RuntimeStatus } from './status.js';
import { FatalError, asReefError } from '../errors/index.js';
import { FRESH, nextRun, type RetryState } from './requeue.js';
import { awaitOutcome, type RunOptions, type RunResult } from './run-outcome.js';
import { isDeadLocalHolder } from './local-holder.js';

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

export type { RunOptions, RunResult } from './run-outcome.js';

export class Controller {
  readonly holder: string;
  private readonly clock: Clock;
  private readonly options: ControllerOptions;
  private readonly limiters = new Map<string, EndpointLimiter>();
  private readonly runtimes = new Map<string, { runtime: InfraRuntime; seen: number; lease: HeldLease }>();
  private readonly leases: LeaseKeeper;
  private unwatch?: () => void;
  /** what fencing refused, for logs, tests and the chaos report */
  readonly fencing = { writesRefused: 0, actsRefused: 0, leasesLost: 0, takeOvers: 0, handedBack: 0 };
  /** infras whose attach failed (serve): each waits out its own backoff; the others are not held up */
  private readonly attachFailures = new Map<string, RetryState & { retryAt: number; seenAt?: number }>();
  private serving = false;
  private discoverTimer: unknown;

  constructor(private readonly deps: ControllerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.options = { ...DEFAULT_OPTIONS, ...deps.options };
    this.holder = deps.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leases = new LeaseKeeper({ store: deps.store, holder: this.holder, ttlMs: this.options.leaseTtlMs, clock: this.clock, log: deps.log });
  }

  /** Reconciles one infra until it converges, a node fails for good, or the timeout passes. */
  async run(infraId: string, opts: RunOptions): Promise<RunResult> {
    const runtime = await this.attach(infraId);
    if (!runtime) {
      const lease = await this.deps.store.getLease(infraId);
      return { kind: 'held', holder: lease?.holder ?? 'another process' };
    }
    try {
      return await awaitOutcome(runtime, opts, this.clock);
    } finally {
      await this.detach(infraId);
    }
  }

  /** Keeps every active or destroying infra in the store reconciled, picking up new ones, until stop(). */
  async serve(): Promise<void> {
    this.serving = true;
    // another replica changed an infra's desired state: its runtime here (if any) looks now; a new infra is discovered
    this.unwatch = this.deps.store.watch?.((c) => {
      if (c.kind !== 'desired') return;
      const entry = this.runtimes.get(c.infra);
      if (entry) entry.runtime.wake();
      else this.discoverSoon();
    });
    await this.discover();
  }

  async stop(): Promise<void> {
    const wasServing = this.serving;
    this.serving = false;
    this.unwatch?.();
    if (this.discoverTimer !== undefined) this.clock.clearTimeout(this.discoverTimer);
    await this.discovering;
    await Promise.all([...this.runtimes.keys()].map((id) => this.detach(id)));
    // leases are released by detach; leaving the replica set lets the others grow their shares at once
    if (wasServing) await this.deps.store.leaveReplicas(this.holder).catch(() => {});
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
      this.discoverSoon();
    }
  }

  private discoverSoon(): void {
    if (!this.serving) return;
    if (this.discoverTimer !== undefined) this.clock.clearTimeout(this.discoverTimer);
    this.discoverTimer = this.clock.setTimeout(() => void this.discover(), 0);
  }

  /** the round in flight, awaited by stop() so that no runtime it starts outlives the controller */
  private discovering?: Promise<void>;

  /**
   * Starts a runtime for every infra that has none (and takes over lapsed leases). Each infra is attached on its
   * own: one that cannot be (its store rows cannot be read, its runtime cannot start) is reported once, waits out
   * its own backoff, and holds no lease meanwhile; the infras after it are attached all the same.
   */
  private discover(): Promise<void> {
    if (!this.serving || this.discovering) return this.discovering ?? Promise.resolve();
    this.discovering = this.discoverRound().finally(() => {
      this.discovering = undefined;
      this.scheduleDiscovery();
    });
    return this.discovering;
  }

  private async discoverRound(): Promise<void> {
    try {
      const store = this.deps.store;
      const now = this.clock.now();
      await store.heartbeat(this.holder, this.options.leaseTtlMs, now);
      const [infras, replicas, leases] = await Promise.all([store.listInfras(), store.listReplicas(now), store.listLeases()]);
      const wanted = infras.filter((i) => i.status !== 'destroyed');
      for (const infra of wanted) {
        const entry = this.runtimes.get(infra.id);
        // changed by another process (apply, scale, destroy): its runtime looks now, even while backing off
        if (entry && infra.updatedAt !== entry.seen) {
          entry.seen = infra.updatedAt;
          entry.runtime.wake();
        }
      }
      // a lease whose holder is a dead process on this host counts as free: it is taken over at once
      const leased = new Map(leases.filter((l) => l.expiresAt > now && l.holder !== this.holder && !isDeadLocalHolder(l.holder)).map((l) => [l.infraId, l.holder]));
      const d = decideShare({ me: this.holder, replicas: Math.max(1, replicas.length), infras: wanted.map((i) => i.id), leased, mine: new Set(this.runtimes.keys()) });
      for (const id of d.handBack) {
        this.deps.log.info({ infra: id, share: d.share }, `handing ${id} back: this replica holds more than its share of ${d.share}`);
        this.fencing.handedBack++;
        await this.detach(id);
      }
      const updatedAt = new Map(wanted.map((i) => [i.id, i.updatedAt]));
      // attached side by side (each is a few store round trips and a read of its instances); a lease lost to
      // another replica's pick is made up from the spare ones in the same round
      await takeUpTo(d.take.length, [...d.take, ...d.spare], (id) => this.attachIsolated(id, updatedAt.get(id)));
    } catch (err) {
      this.deps.log.error({ err }, 'could not read the store; retrying');
    }
  }

  private scheduleDiscovery(): void {
    if (!this.serving) return;
    if (this.discoverTimer !== undefined) this.clock.clearTimeout(this.discoverTimer);
    this.discoverTimer = this.clock.setTimeout(() => void this.discover(), Math.min(this.options.pollMs * 2, this.options.leaseTtlMs / 3));
  }

  /** True when this replica now reconciles the infra; false when another holds it or it waits out a failure. */
  private async attachIsolated(infraId: string, updatedAt?: number): Promise<boolean> {
    const failed = this.attachFailures.get(infraId);
    if (failed && this.clock.now() < failed.retryAt && failed.seenAt === updatedAt) return false;
    try {
      const runtime = await this.attach(infraId);
      if (failed) this.deps.log.info({ infra: infraId }, 'reconciling again');
      this.attachFailures.delete(infraId);
      return runtime !== undefined;
    } catch (e) {
      const error = asReefError(e);
      const next = nextRun(error.transient ? { kind: 'error', error } : { kind: 'terminal', error }, failed ?? FRESH,
        { resyncMs: this.options.resyncMs, backoff: this.options.requeue }, this.options.rand());
      if (next.report) this.deps.log.error({ err: error, infra: infraId }, `could not start reconciling ${infraId}: ${error.message}`);
      this.attachFailures.set(infraId, { ...next.state, retryAt: this.clock.now() + next.delayMs, seenAt: updatedAt });
      return false;
    }
  }

  private async attach(infraId: string): Promise<InfraRuntime | undefined> {
    const existing = this.runtimes.get(infraId);
    if (existing) return existing.runtime;
    const infra = await this.deps.store.getInfra(infraId);
    if (!infra) throw new FatalError('REEF_INFRA_UNKNOWN', `no infrastructure "${infraId}" in the store`);
    const sentAt = this.clock.now();
    const fence = await this.acquire(infraId);
    if (!fence) return undefined;
    try {
      return await this.startRuntime(infra, new HeldLease(fence, sentAt, this.options.leaseTtlMs, this.clock));
    } catch (e) {
      // no lease without a runtime behind it
      await this.detach(infraId);
      await this.deps.store.releaseLease(infraId, this.holder).catch(() => {});
      throw e;
    }
  }

  private async startRuntime(infra: InfraRecord, lease: HeldLease): Promise<InfraRuntime> {
    const infraId = infra.id;
    const log = this.deps.log.child({ infra: infraId, epoch: lease.fence.epoch });
    log.info(`holding the lease of ${infraId} (epoch ${lease.fence.epoch})`);
    // every controller write for this infra carries the fence; a refused one means another replica has it now
    const store = fencedView(this.deps.store, lease.fence, (err) => {
      this.fencing.writesRefused++;
      if (lease.isLost) return;
      lease.markLost();
      if (isStoreUnavailable(err)) {
        // the store cannot keep writes (deleted, read-only): no infra acts on its clouds until it can again
        log.error({ err }, `a write for ${infraId} was refused: the state store cannot keep it; not acting on any infra until it is healthy`);
        for (const [id, other] of this.runtimes) void this.lose(id, other.lease);
        return;
      }
      log.warn({ err }, `a write for ${infraId} was refused: epoch ${lease.fence.epoch} is over; stopping here`);
      void this.lose(infraId, lease);
    });
    let heldBack = false;
    const registry = gateRegistry(this.deps.registry, lease, () => {
      this.fencing.actsRefused++;
      if (heldBack) return;
      heldBack = true;
      log.warn(`holding back creates and destroys on ${infraId}: its lease (epoch ${lease.fence.epoch}) is past its trusted time and not renewed yet`);
    });
    const runtime = new InfraRuntime(
      {
        store,
        registry,
        clock: this.clock,
        log: this.deps.log,
        options: this.options,
        limiters: this.limiters,
        loadAuth: this.deps.loadAuth,
      },
      infra,
    );
    this.runtimes.set(infraId, { runtime, seen: infra.updatedAt, lease });
    this.leases.keep(infraId, {
      lease,
      log,
      ended: () => void this.lose(infraId, lease),
      renewed: () => {
        if (runtime.status.phase === 'destroyed') void this.detach(infraId);
      },
    });
    await runtime.start();
    return runtime;
  }

  /** Takes the lease; a lease whose holder is a dead process on this host is taken over at once, not after its TTL. */
  private async acquire(infraId: string): Promise<Fence | undefined> {
    const store = this.deps.store;
    const previous = await store.getLease(infraId);
    let fence = await store.takeLease(infraId, this.holder, this.options.leaseTtlMs, this.clock.now());
    if (!fence) {
      const lease = await store.getLease(infraId);
      if (!lease || !isDeadLocalHolder(lease.holder)) return undefined;
      this.deps.log.info({ infra: infraId }, `taking over the lease of ${lease.holder}, which is no longer running`);
      await store.releaseLease(infraId, lease.holder);
      fence = await store.takeLease(infraId, this.holder, this.options.leaseTtlMs, this.clock.now());
    }
    if (fence && previous && previous.holder !== this.holder) {
      this.fencing.takeOvers++;
      this.deps.log.info({ infra: infraId, from: previous.holder, epoch: fence.epoch }, `took ${infraId} over from ${previous.holder} (epoch ${fence.epoch})`);
    }
    return fence;
  }

  /** The lease is gone (or cannot be confirmed in time): stop acting, without releasing what may be another's now. */
  private async lose(infraId: string, lease: HeldLease): Promise<void> {
    const entry = this.runtimes.get(infraId);
    if (!entry || entry.lease !== lease) return;
    lease.markLost();
    this.fencing.leasesLost++;
    this.runtimes.delete(infraId);
    this.leases.forget(infraId, lease);
    await entry.runtime.stop();
    if (this.serving) this.discoverSoon();
  }

  private async detach(infraId: string): Promise<void> {
    const entry = this.runtimes.get(infraId);
    if (!entry) return;
    this.runtimes.delete(infraId);
    this.leases.forget(infraId, entry.lease);
    await entry.runtime.stop();
    await this.deps.store.releaseLease(infraId, this.holder).catch(() => {});
  }
}

export function createController(deps: ControllerDeps): Controller {
  return new Controller(deps);
}
