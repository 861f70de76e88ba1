/**
 * One `reef serve` replica of the scale-out section: bin/reef.js with the tick probe preloaded, on a free
 * loopback port, logging warnings only (an info line per instance transition would be the bench's cost, not
 * reef's). Its holder id in the leases table starts with `<hostname>:<pid>:`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { repoRoot } from '../lib/child.js';
import { freePort } from '../lib/free-port.js';

const PROBE = pathToFileURL(fileURLToPath(new URL('./tick-probe.js', import.meta.url))).href;

export interface ReplicaOptions {
  state: string;
  stateDir: string;
  tokenFile: string;
  token: string;
  ticksFile: string;
  leaseTtlS: number;
  resyncS: number;
}

export class Replica {
  private stderr = '';
  private exited = false;
  /** peak RSS read just before the process was stopped or killed */
  peakRssMb?: number;

  private constructor(readonly proc: ChildProcess, readonly url: string, readonly opts: ReplicaOptions) {
    // REEF_BENCH_REPLICA_LOG_DIR: keep each replica's whole stderr (warnings and errors) as DIR/replica-PID.log
    const logDir = process.env.REEF_BENCH_REPLICA_LOG_DIR;
    proc.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
      if (logDir) appendFileSync(join(logDir, `replica-${proc.pid}.log`), d);
    });
    proc.on('exit', () => (this.exited = true));
  }

  static async start(opts: ReplicaOptions): Promise<Replica> {
    const port = await freePort();
    // REEF_BENCH_REPLICA_NODE_ARGS: extra node flags for the replicas, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
    const nodeArgs = (process.env.REEF_BENCH_REPLICA_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const proc = spawn(process.execPath, [...nodeArgs, '--import', PROBE, join(repoRoot(), 'bin', 'reef.js'), '--state', opts.state, '--token-file', opts.tokenFile,
      'serve', '--port', String(port), '--resync', String(opts.resyncS), '--lease-ttl', String(opts.leaseTtlS)], {
      env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'warn', REEF_STATE_DIR: opts.stateDir, REEF_BENCH_TICKS: opts.ticksFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const r = new Replica(proc, `http://127.0.0.1:${port}`, opts);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (r.exited) throw new Error(`reef serve exited at start: ${r.lastError()}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`reef serve did not answer within 60 s: ${r.lastError()}`);
      }
      const ok = await fetch(`${r.url}/v1/health`, { headers: { authorization: `Bearer ${opts.token}` }, signal: AbortSignal.timeout(2000) })
        .then((res) => res.ok, () => false);
      if (ok) return r;
      await sleep(100);
    }
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** The prefix of this process's lease holder id. */
  get holderPrefix(): string {
    return `${hostname()}:${this.pid}:`;
  }

  get alive(): boolean {
    return !this.exited;
  }

  lastError(): string {
    return this.stderr.trim().split('\n').pop() ?? '';
  }

  /** PUT with the API token; a 503 (the store did not answer in time: transient) is retried up to 5 times, as a client would. */
  async put(path: string, body: unknown): Promise<{ value: unknown; retries: number }> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.url}${path}`, {
        method: 'PUT', body: JSON.stringify(body), signal: AbortSignal.timeout(60_000),
        headers: { authorization: `Bearer ${this.opts.token}`, 'content-type': 'application/json' },
      });
      const text = await res.text();
      if (res.ok) return { value: JSON.parse(text), retries: attempt };
      if (res.status !== 503 || attempt >= 5) throw new Error(`PUT ${path}: ${res.status} ${text.slice(0, 300)}`);
      await sleep(1000 * 2 ** attempt);
    }
  }

  /** Peak RSS so far (VmHWM), MB; kept once the process is gone. */
  readPeakRss(): number | undefined {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (m) this.peakRssMb = Number(m[1]) / 1024;
    } catch {
      // gone already: keep the last reading
    }
    return this.peakRssMb;
  }

  async kill9(): Promise<void> {
    this.readPeakRss();
    await this.signal('SIGKILL', 10_000);
  }

  /** SIGTERM (reef serve stops gracefully: releases its leases, leaves the replica set); SIGKILL after 30 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.readPeakRss();
    if (!(await this.signal('SIGTERM', 30_000))) await this.signal('SIGKILL', 10_000);
  }

  private signal(sig: NodeJS.Signals, waitMs: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), waitMs);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
      this.proc.kill(sig);
    });
  }
}

/** Tick durations (ms) a replica's probe recorded with an end time in [from, to]. */
export function ticksBetween(file: string, from: number, to: number): number[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const error = /^error (.*)$/m.exec(text);
  if (error) throw new Error(error[1]);
  const out: number[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('loop ')) continue;
    const [end, ms] = line.split(' ').map(Number);
    if (end >= from && end <= to) out.push(ms);
  }
  return out;
}

/** The event loop's longest delay (ms) a replica's probe saw in [from, to]. */
export function loopDelayMax(file: string, from: number, to: number): number | null {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let max: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('loop ')) continue;
    const [, end, ms] = line.split(' ').map(Number);
    if (end >= from && end <= to) max = Math.max(max ?? 0, ms);
  }
  return max;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
