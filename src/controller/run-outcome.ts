/**
 * What `run()` (the CLI's apply/scale/destroy --wait) waits for on one runtime: converged, a node failed for good,
 * a problem that will not clear by itself, an endpoint that has not answered for too long, the runtime stopping,
 * or the timeout. The first of these settles it.
 */
import type { Clock } from './clock.js';
import type { InfraProblem } from './infra-problem.js';
import type { InfraRuntime } from './infra-runtime.js';
import type { RuntimeStatus } from './status.js';

export interface RunOptions {
  timeoutMs: number;
  /** give up once a cloud endpoint the infra uses has not answered for this long (default: wait until timeoutMs) */
  endpointWaitMs?: number;
  onStatus?: (s: RuntimeStatus) => void;
}

export type RunResult =
  | { kind: 'converged'; status: RuntimeStatus }
  | { kind: 'failed'; status: RuntimeStatus }
  | { kind: 'timeout'; status: RuntimeStatus }
  /** this process stopped reconciling before an outcome (stop(), or the lease was lost) */
  | { kind: 'stopped'; status: RuntimeStatus }
  | { kind: 'held'; holder: string }
  /** the infra cannot be reconciled until something changes (its auth file cannot be read, ...) */
  | { kind: 'error'; problem: InfraProblem; status: RuntimeStatus }
  /** an endpoint did not answer for endpointWaitMs; `message` says which, since when, and in the cloud's words */
  | { kind: 'unreachable'; message: string; status: RuntimeStatus };

export function awaitOutcome(runtime: InfraRuntime, opts: RunOptions, clock: Clock): Promise<RunResult> {
  return new Promise<RunResult>((resolve) => {
    const finish = (r: RunResult) => {
      off();
      offStop();
      clock.clearTimeout(timer);
      resolve(r);
    };
    const offStop = runtime.onStop(() => finish({ kind: 'stopped', status: runtime.status }));
    const timer = clock.setTimeout(() => finish({ kind: 'timeout', status: runtime.status }), opts.timeoutMs);
    const off = runtime.onStatus((s) => {
      opts.onStatus?.(s);
      const problem = runtime.currentProblem;
      const down = opts.endpointWaitMs === undefined ? undefined
        : s.errors.find((e) => e.since !== undefined && clock.now() - e.since >= opts.endpointWaitMs!);
      if (problem?.terminal) finish({ kind: 'error', problem, status: s });
      else if (down) finish({ kind: 'unreachable', message: down.message, status: s });
      else if (s.converged) finish({ kind: 'converged', status: s });
      else if (s.failedNodes.length > 0 && s.settled) finish({ kind: 'failed', status: s });
    });
  });
}
