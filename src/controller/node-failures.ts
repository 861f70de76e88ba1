/**
 * When a node gives up: its instances' failures in a row. A node is only healthy again once it went a stable
 * while without a failure; resetting on every ready would let a program that dies a few seconds after its checks
 * pass crash-loop for ever. Pure: plan() compares the count with the node's give-up limit.
 */
export interface NodeFailures {
  count: number;
  lastAt: number;
  /** `CODE: message` of the latest failure that had one */
  lastError?: string;
}

export function countFailure(prev: NodeFailures | undefined, now: number, stableMs: number, error?: { code: string; message: string } | null): NodeFailures {
  const count = prev && now - prev.lastAt < stableMs ? prev.count + 1 : 1;
  return { count, lastAt: now, lastError: error ? `${error.code}: ${error.message}` : prev?.lastError };
}
