/**
 * N `reef serve` subprocesses on one PostgreSQL, sharing one state dir (API token, the dummy cloud's files), for
 * chaos runs: kill -9 and restart, SIGSTOP/SIGCONT, API calls to any replica that can answer, and a tally of
 * what the replicas logged about their leases (take-overs, refused writes, lost leases, held-back acts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REEF } from '../helpers/cli.js';

export type ReplicaState = 'running' | 'paused' | 'dead';

export interface Replica {
  index: number;
  proc?: ChildProcess;
  url?: string;
  state: ReplicaState;
  lives: number;
  /** the last lines it wrote, for a failure's message */
  tail: string[];
  /** set when the test kills or stops it; an exit without it is a crash */
  stopping?: boolean;
}

/** What the replicas logged, summed over every life of every replica. */
export interface LeaseTally {
  takeOvers: number;
  /** a write of an epoch that was over, refused by the store (one line per lost epoch) */
  writesRefused: number;
  /** renewal found the lease gone to another holder */
  lostAtRenewal: number;
  /** leases whose creates/destroys were held back because they were past their trusted time (one line each) */
  actsHeldBack: number;
  handedBack: number;
  errors: string[];
}

export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
}

export class ReplicaFleet {
  readonly replicas: Replica[];
  readonly errorLines = new Map<string, number>();
  readonly tally: LeaseTally = { takeOvers: 0, writesRefused: 0, lostAtRenewal: 0, actsHeldBack: 0, handedBack: 0, errors: [] };

  constructor(
    private readonly dir: string,
    private readonly env: Record<string, string>,
    private readonly serveArgs: string[],
    count: number,
  ) {
    this.replicas = Array.from({ length: count }, (_, index) => ({ index, state: 'dead' as const, lives: 0, tail: [] }));
  }

  private token(): string {
    return readFileSync(join(this.dir, '.reef', 'api-token'), 'utf8').trim();
  }

  async start(r: Replica): Promise<void> {
    const proc = spawn(process.execPath, [REEF, 'serve', '--port', '0', ...this.serveArgs], {
      cwd: this.dir,
      env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    r.proc = proc;
    r.state = 'dead';
    r.lives++;
    r.url = undefined;
    r.stopping = false;
    let partial = '';
    proc.once('exit', (code, signal) => {
      if (r.proc !== proc) return;
      // an exit before listening rejects start() instead (a replica started while PostgreSQL is down gives up)
      if (!r.stopping && r.state !== 'dead') {
        if (partial) this.count(r, partial);
        this.tally.errors.push(`replica ${r.index} exited on its own (${code ?? signal}):\n${r.tail.slice(-25).join('\n')}`);
      }
      r.state = 'dead';
      r.url = undefined;
    });
    const url = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`replica ${r.index} did not start in 60 s:\n${r.tail.join('\n')}`)), 60_000);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`replica ${r.index} exited (${code ?? signal}) before listening:\n${r.tail.join('\n')}`));
      });
      proc.stderr!.on('data', (d: Buffer) => {
        const lines = (partial + d.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          this.count(r, line);
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        }
      });
    });
    r.url = await url;
    r.state = 'running';
  }

  private count(r: Replica, line: string): void {
    r.tail.push(line);
    if (r.tail.length > 80) r.tail.shift();
    let msg = line;
    try {
      const parsed = JSON.parse(line) as { msg?: unknown; level?: unknown };
      msg = String(parsed.msg ?? line);
      // error-level lines by message (infra ids and numbers folded), printed after the run for a look
      if (typeof parsed.level === 'number' && parsed.level >= 50) {
        const key = msg.replace(/chaos-[\w-]+/g, '<infra>').replace(/\d+/g, 'N').slice(0, 160);
        this.errorLines.set(key, (this.errorLines.get(key) ?? 0) + 1);
      }
    } catch {
      // not JSON (a crash's stack trace): count it as is
    }
    const t = this.tally;
    if (/^took \S+ over from /.test(msg)) t.takeOvers++;
    else if (/^a write for \S+ was refused: epoch \d+ is over/.test(msg)) t.writesRefused++;
    else if (/^lost the lease of \S+ to another controller/.test(msg)) t.lostAtRenewal++;
    else if (/^handing \S+ back/.test(msg)) t.handedBack++;
    else if (/^holding back creates and destroys on /.test(msg)) t.actsHeldBack++;
    if (/Unhandled|TypeError|ReferenceError|RangeError|uncaught/i.test(line)) t.errors.push(`replica ${r.index}: ${line.slice(0, 600)}`);
  }

  async kill(r: Replica): Promise<void> {
    const proc = r.proc!;
    const exited = new Promise((res) => (proc.exitCode !== null || proc.signalCode !== null ? res(undefined) : proc.once('exit', res)));
    r.stopping = true;
    proc.kill('SIGKILL');
    await exited;
    r.state = 'dead';
    r.url = undefined;
  }

  pause(r: Replica): void {
    r.proc!.kill('SIGSTOP');
    r.state = 'paused';
  }

  resume(r: Replica): void {
    r.proc!.kill('SIGCONT');
    r.state = 'running';
  }

  running(): Replica[] {
    return this.replicas.filter((r) => r.state === 'running');
  }

  /** One request to a running replica (`via`, or the first running one); network errors come back as status 0. */
  async api(method: string, path: string, body?: unknown, via?: Replica): Promise<ApiResult> {
    const r = via ?? this.running()[0];
    if (!r?.url) return { status: 0, body: { message: 'no replica is running' } };
    try {
      const res = await fetch(r.url + path, {
        method,
        headers: { authorization: `Bearer ${this.token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } catch (e) {
      return { status: 0, body: { message: String(e) } };
    }
  }

  /** Wakes paused replicas and stops every replica: SIGTERM (graceful), SIGKILL after 15 s. */
  async stopAll(): Promise<void> {
    await Promise.all(this.replicas.map(async (r) => {
      const proc = r.proc;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((res) => proc.once('exit', res));
      r.stopping = true;
      proc.kill('SIGCONT');
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      r.state = 'dead';
    }));
  }

  tails(): string {
    return this.replicas.map((r) => `--- replica ${r.index} (${r.state}, ${r.lives} lives)\n${r.tail.join('\n')}`).join('\n');
  }
}
