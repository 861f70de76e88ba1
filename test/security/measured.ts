/** Runs the built reef CLI with its peak RSS and run time measured (see measure.cjs). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REEF } from '../helpers/cli.js';

export const MEASURE = fileURLToPath(new URL('./measure.cjs', import.meta.url));

export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  /** wall time seen by the caller, ms */
  ms: number;
  /** the process's peak RSS, MiB (NaN if it did not exit normally) */
  rssMiB: number;
}

/** Every bomb's numbers, printed at the end of the run for the report. */
export const measurements: Array<{ what: string; ms: number; rssMiB: number; code: number }> = [];

export function reefMeasured(what: string, cwd: string, args: string[], timeoutMs = 30_000, env: Record<string, string> = {}): Measured {
  const tmp = mkdtempSync(join(tmpdir(), 'reef-measure-'));
  const file = join(tmp, 'm.json');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-r', MEASURE, REEF, ...args], {
    cwd, encoding: 'utf8', timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'warn', REEF_MEASURE_FILE: file, ...env },
  });
  const ms = performance.now() - t0;
  let rssMiB = NaN;
  try {
    rssMiB = JSON.parse(readFileSync(file, 'utf8')).maxRssKiB / 1024;
  } catch { /* killed: no numbers */ }
  rmSync(tmp, { recursive: true, force: true });
  const m = { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms, rssMiB };
  measurements.push({ what, ms: Math.round(ms), rssMiB: Math.round(rssMiB), code: m.code });
  return m;
}
