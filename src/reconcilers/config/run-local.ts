import { spawn } from 'node:child_process';
import type { CallContext } from '../driver.js';
import { lineSplitter } from '../ssh/line-splitter.js';

export type LocalRun = { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'missing' };

/** Runs a local program, streaming its output lines; a missing binary is a result, not a throw. Abort kills it. */
export function runLocal(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string },
  ctx: CallContext,
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
): Promise<LocalRun> {
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(ctx.signal.reason);
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd, signal: ctx.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = lineSplitter((l) => onLine(l, 'stdout'));
    const err = lineSplitter((l) => onLine(l, 'stderr'));
    child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => err.push(d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (ctx.signal.aborted) reject(ctx.signal.reason);
      else if (e.code === 'ENOENT') resolve({ kind: 'missing' });
      else reject(e);
    });
    child.on('close', (code, signal) => {
      out.flush();
      err.flush();
      if (ctx.signal.aborted) reject(ctx.signal.reason);
      else resolve({ kind: 'exited', code, signal });
    });
  });
}
