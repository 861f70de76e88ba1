/**
 * The built `reef` CLI as an *asynchronous* subprocess: the EC2 fake answers from this test process, so a
 * spawnSync (test/helpers/cli.ts) would block the very event loop the fake needs.
 */
import { spawn } from 'node:child_process';
import { REEF, type CliResult } from '../helpers/cli.js';

export interface ReefRun extends CliResult {
  /** stderr's JSON log lines (non-JSON lines are skipped) */
  logs: Array<Record<string, unknown>>;
}

export function runReef(cwd: string, args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ReefRun> {
  const child = spawn(process.execPath, [REEF, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'info', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, logs: jsonLines(stderr) });
    });
  });
}

export function jsonLines(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line at a kill: not a log entry
    }
  }
  return out;
}
