/**
 * Drives an infra to its desired state from the command line: this process reconciles it if no other
 * controller holds its lease; otherwise (a `reef serve` is running) it only watches the store.
 */
import type { App } from './app.js';
import type { RuntimeStatus } from '../controller/status.js';
import { summarise } from '../controller/status.js';
import { EXIT } from './exit.js';

export interface ConvergeOptions {
  timeoutMs: number;
  /** with --wait, wait for a controller elsewhere too; without it, return once the desired state is written */
  wait: boolean;
}

export interface ConvergeResult {
  exitCode: number;
  status?: RuntimeStatus;
  message: string;
}

export async function converge(app: App, infraId: string, opts: ConvergeOptions): Promise<ConvergeResult> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const result = await app.controller().run(infraId, { timeoutMs: Math.max(1, deadline - Date.now()) });
    switch (result.kind) {
      case 'converged':
        return { exitCode: EXIT.ok, status: result.status, message: result.status.phase === 'destroyed' ? `${infraId}: destroyed` : `${infraId}: ready` };
      case 'failed':
        return { exitCode: EXIT.notConverged, status: result.status, message: failedMessage(infraId, result.status) };
      case 'stopped':
        return { exitCode: EXIT.notConverged, status: result.status, message: `${infraId}: reconciliation stopped before it converged (another controller took over?)` };
      case 'timeout':
        return { exitCode: EXIT.notConverged, status: result.status, message: `${infraId}: did not converge within ${Math.round(opts.timeoutMs / 1000)} s${describeWaiting(result.status)}` };
      case 'held': {
        if (!opts.wait) return { exitCode: EXIT.ok, message: `${infraId}: desired state stored; ${result.holder} is reconciling it` };
        // follow the other controller through the store; take over if its lease lapses
        const seen = await fromStore(app, infraId);
        if (seen) return seen;
        if (Date.now() >= deadline) return { exitCode: EXIT.notConverged, message: `${infraId}: did not converge within ${Math.round(opts.timeoutMs / 1000)} s (reconciled by ${result.holder})` };
        app.log.debug({ infra: infraId }, `${result.holder} is reconciling ${infraId}; waiting`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

function failedMessage(infraId: string, s: RuntimeStatus): string {
  return s.failedNodes.map((f) => `${infraId}: node ${f.node} failed: ${f.reason}`).join('\n');
}

function describeWaiting(s: RuntimeStatus): string {
  const behind = s.nodes.filter((n) => n.ready !== n.target).map((n) => `${n.name} ${n.ready}/${n.target} ready`);
  const errors = s.errors.map((e) => `${e.endpoint}: ${e.message}`);
  const parts = [...behind, ...errors];
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/** What the store says of an infra another controller reconciles: a final result, or undefined to keep waiting. */
async function fromStore(app: App, infraId: string): Promise<ConvergeResult | undefined> {
  const store = app.store();
  const infra = await store.getInfra(infraId);
  if (!infra) return { exitCode: EXIT.badInput, message: `${infraId}: no longer in the store` };
  const status = summarise({ infra, nodes: await store.getNodes(infraId), instances: await store.listInstances(infraId), untracked: 0, actions: 0, errors: [] });
  if (status.converged) return { exitCode: EXIT.ok, status, message: `${infraId}: ${status.phase === 'destroyed' ? 'destroyed' : 'ready'}` };
  if (status.failedNodes.length && status.settled) return { exitCode: EXIT.notConverged, status, message: failedMessage(infraId, status) };
  return undefined;
}
