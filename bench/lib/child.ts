/**
 * Runs one scenario in a fresh Node process (so its peak RSS and CPU are its own) and returns the JSON object
 * the child hands back with `report()`. Children are the compiled scripts next to this file in dist/bench/.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DIST_BENCH = fileURLToPath(new URL('..', import.meta.url));

/** What a child that failed sends instead of its result: the error's first line, and its stack for results.json. */
interface ChildFailure { benchError: string; stack?: string }

/** A scenario that failed: `message` is the error's first line; `stack` the child's, when it had one. */
export class BenchFailure extends Error {
  constructor(message: string, readonly stack_?: string) {
    super(message);
  }
}

/** The first line of what was thrown: what the report shows for a failed scenario. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? (e instanceof Error ? e.name : 'unknown error');
}

export async function runChild<T>(script: string, args: string[], timeoutMs: number): Promise<T> {
  const child = fork(`${DIST_BENCH}${script}`, args, { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<T>((resolve, reject) => {
    let result: T | undefined;
    let failure: ChildFailure | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new BenchFailure(`no result within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('message', (m) => {
      if (m && typeof m === 'object' && 'benchError' in m) failure = m as ChildFailure;
      else result = m as T;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) resolve(result);
      else reject(new BenchFailure(failure?.benchError ?? `exited ${code ?? signal} without a result`, failure?.stack));
    });
  });
}

/** Child side: hand the result to the parent, then let the process end. */
export function report(result: object): void {
  if (process.send) process.send(result);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

// Child side: a scenario that throws (its top-level await rejects) tells the parent the error's first line, so
// the report gets one line for it and the other scenarios still run; the stack goes to results.json.
if (process.send) {
  const fail = (e: unknown) => {
    process.send!({ benchError: firstLine(e), stack: e instanceof Error ? e.stack : undefined } satisfies ChildFailure, () => process.exit(1));
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

/** Peak resident set size of this process so far, in MB (getrusage ru_maxrss). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export function repoRoot(): string {
  return fileURLToPath(new URL('../../..', import.meta.url));
}
