/** How apply/scale/destroy end, in words and an exit code: one place for local runs and for `--server`. */
import { EXIT } from './exit.js';

export interface Seen {
  converged: boolean;
  settled: boolean;
  destroyed: boolean;
  failedNodes: Array<{ node: string; reason: string }>;
  nodes: Array<{ name: string; ready: number; target: number }>;
  errors: Array<{ endpoint: string; message: string; since?: number }>;
}

export interface Outcome {
  exitCode: number;
  message: string;
}

/** A final outcome (converged, or a node failed for good once nothing moves), or undefined: keep waiting. */
export function finalOutcome(id: string, s: Seen): Outcome | undefined {
  if (s.converged) return { exitCode: EXIT.ok, message: `${id}: ${s.destroyed ? 'destroyed' : 'ready'}` };
  if (s.failedNodes.length > 0 && s.settled) {
    return { exitCode: EXIT.notConverged, message: s.failedNodes.map((f) => `${id}: node ${f.node} failed: ${f.reason}`).join('\n') };
  }
  return undefined;
}

export function timedOut(id: string, timeoutMs: number, s?: Seen, by?: string): Outcome {
  const behind = (s?.nodes ?? []).filter((n) => n.ready !== n.target).map((n) => `${n.name} ${n.ready}/${n.target} ready`);
  const parts = [...behind, ...(s?.errors ?? []).map((e) => `${e.endpoint}: ${e.message}`), ...(by ? [`reconciled by ${by}`] : [])];
  return { exitCode: EXIT.notConverged, message: `${id}: did not converge within ${Math.round(timeoutMs / 1000)} s${parts.length ? ` (${parts.join('; ')})` : ''}` };
}

/** With --endpoint-wait: an endpoint that has not answered for that long ends the wait (exit 1), in its own words. */
export function endpointGaveUp(id: string, s: Pick<Seen, 'errors'>, now: number, waitMs: number | undefined): Outcome | undefined {
  if (waitMs === undefined) return undefined;
  const down = s.errors.find((e) => e.since !== undefined && now - e.since >= waitMs);
  return down && { exitCode: EXIT.notConverged, message: `${id}: gave up waiting: ${down.message}` };
}
