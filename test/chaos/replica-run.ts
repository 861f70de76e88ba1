/**
 * One replica chaos run from start to end, whatever the cloud: a private PostgreSQL, three `reef serve`
 * replicas sharing a temp state dir, the first infras deployed, the seeded chaos, then the checks (converged
 * exactly, no twin, no orphan, stays so for three lease times, one holder per epoch) and the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/state/postgres/index.js';
import { startPrivatePg, type PrivatePg } from '../helpers/private-pg.js';
import { ReplicaFleet } from './replica-fleet.js';
import { chaosSummary, expectedTargets, runChaos, type ChaosFigures, type ChaosOptions, type InfraModel } from './replica-chaos.js';
import { auditProblems, storeProblems, until, type CloudResource } from './replica-checks.js';
import { seededRng } from './seeded-rng.js';

export type RunOptions = Omit<ChaosOptions, 'rng' | 'ttlMs' | 'log' | 'leaseHolders'>;

export class ReplicaChaosRun {
  pg?: PrivatePg;
  dir?: string;
  fleet?: ReplicaFleet;
  admin?: PostgresStore;
  private readonly started = Date.now();

  constructor(readonly what: string, readonly seed: number, readonly ttlS: number) {}

  /** PostgreSQL, then the first replica (it migrates the database and writes the API token), then the others */
  async start(): Promise<ReplicaFleet> {
    this.pg = await startPrivatePg();
    this.dir = mkdtempSync(join(tmpdir(), 'reef-replica-chaos-'));
    const fleet = new ReplicaFleet(this.dir, { REEF_STATE: this.pg.url, REEF_STATE_DIR: join(this.dir, '.reef') },
      ['--lease-ttl', String(this.ttlS), '--resync', '2'], 3);
    this.fleet = fleet;
    await fleet.start(fleet.replicas[0]!);
    await Promise.all(fleet.replicas.slice(1).map((r) => fleet.start(r)));
    this.admin = await openPostgresStore(this.pg.url);
    return fleet;
  }

  get stateDir(): string {
    return join(this.dir!, '.reef');
  }

  async chaos(infras: InfraModel[], initially: number, o: RunOptions): Promise<ChaosFigures> {
    const fleet = this.fleet!;
    for (const m of infras.slice(0, initially)) {
      const r = await fleet.api('PUT', `/v1/infras/${m.id}`, o.spec(m));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      m.applied = true;
    }
    const lines: string[] = [];
    const figures = await runChaos(fleet, this.pg, infras, {
      ...o, rng: seededRng(this.seed), ttlMs: this.ttlS * 1000, log: (l) => lines.push(l),
      leaseHolders: async () => (await this.admin!.listLeases()).filter((l) => l.expiresAt > Date.now()).map((l) => l.holder),
    });
    console.info(lines.join('\n'));
    return figures;
  }

  /** Waits for exact convergence, checks it holds and the audit, prints the figures; returns the epochs in the audit. */
  async verify(infras: InfraModel[], figures: ChaosFigures, resources: () => Promise<CloudResource[]>, unit: string): Promise<number> {
    const problems = async () => storeProblems(this.admin!, infras.map((m) => ({ id: m.id, targets: expectedTargets(m) })), await resources());
    const convergeStart = Date.now();
    await until(`every infra to converge with exactly its ${unit}`, problems, 120_000, this.fleet!);
    const convergedMs = Date.now() - convergeStart;
    // stays so: nothing late (a create in flight from a paused replica) shows up afterwards
    await new Promise((r) => setTimeout(r, 3 * this.ttlS * 1000));
    expect(await problems()).toEqual([]);

    const audit = await this.admin!.listLeaseAudit();
    expect(auditProblems(audit)).toEqual([]);
    const epochs = new Set(audit.map((a) => `${a.infraId}@${a.epoch}`)).size;
    const count = (await resources()).length;
    console.info(chaosSummary(this.what, this.seed, this.ttlS * 1000, figures, this.fleet!.tally, epochs,
      `${count} ${unit} converged ${(convergedMs / 1000).toFixed(1)} s after the chaos; whole test ${((Date.now() - this.started) / 1000).toFixed(0)} s`));
    const errorLines = [...this.fleet!.errorLines].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${n} × ${m}`);
    if (errorLines.length) console.info(`error-level lines the replicas logged:\n${errorLines.join('\n')}`);
    expect(this.fleet!.tally.errors).toEqual([]);
    return epochs;
  }

  async stop(): Promise<void> {
    await this.fleet?.stopAll();
    await this.admin?.close();
    await this.pg?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
