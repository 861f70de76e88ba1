/**
 * Runs one scenario in a fresh Node process (so its peak RSS and CPU are its own) and returns the JSON object
 * the child hands back with `report()`. Children are the compiled scripts next to this file in dist/bench/.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DIST_BENCH = fileURLToPath(new URL('..', import.meta.url));

export async function runChild<T>(script: string, args: string[], timeoutMs: number): Promise<T> {
  const child = fork(`${DIST_BENCH}${script}`, args, { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<T>((resolve, reject) => {
    let result: T | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')}: no result within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (m) => { result = m as T; });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) resolve(result);
      else reject(new Error(`${script} ${args.join(' ')} exited ${code ?? signal} without a result`));
    });
  });
}

/** Child side: hand the result to the parent, then let the process end. */
export function report(result: object): void {
  if (process.send) process.send(result);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
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
