/** Starts test/state/child-store.ts in its own node process and reads its JSON lines. */
import { spawn, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./child-store.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Child {
  next(): Promise<unknown>;
  send(line: string): void;
  end(): void;
  exited: Promise<number | null>;
}

export function startChild(args: string[], opts: Pick<SpawnOptions, 'uid' | 'gid'> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], ...opts,
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  const queue: unknown[] = [];
  const waiters: Array<(v: unknown) => void> = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const v: unknown = JSON.parse(line);
    const w = waiters.shift();
    if (w) w(v); else queue.push(v);
  });
  return {
    next: () => {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        waiters.push(resolve);
        void exited.then((code) => reject(new Error(`child exited (${code}) before answering: ${stderr}`)));
      });
    },
    send: (line) => proc.stdin!.write(`${line}\n`),
    end: () => proc.stdin!.end(),
    exited,
  };
}
