/** Runs the built `reef` CLI as a subprocess (npm test builds it first: see the pretest script). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const REEF = join(ROOT, 'bin', 'reef.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function reef(cwd: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [REEF, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'info', ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function reefAsync(cwd: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [REEF, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
}
