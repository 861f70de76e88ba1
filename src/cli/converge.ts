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
  const controller = app.controller();
  const result = await controller.run(infraId, { timeoutMs: opts.timeoutMs });
  switch (result.kind) {
    case 'converged':
      return { exitCode: EXIT.ok, status: result.status, message: result.status.phase === 'destroyed' ? `${infraId}: destroyed` : `${infraId}: ready` };
    case 'failed':
      return {
        exitCode: EXIT.notConverged,
        status: result.status,
        message: result.status.failedNodes.map((f) => `${infraId}: node ${f.node} failed: ${f.reason}`).join('\n'),
      };
    case 'timeout':
      return { exitCode: EXIT.notConverged, status: result.status, message: `${infraId}: did not converge within ${Math.round(opts.timeoutMs / 1000)} s${describeWaiting(result.status)}` };
    case 'held':
      if (!opts.wait) return { exitCode: EXIT.ok, message: `${infraId}: desired state stored; ${result.holder} is reconciling it` };
      return watchStore(app, infraId, opts.timeoutMs, result.holder);
  }
}

function describeWaiting(s: RuntimeStatus): string {
  const behind = s.nodes.filter((n) => n.ready !== n.target).map((n) => `${n.name} ${n.ready}/${n.target} ready`);
  const errors = s.errors.map((e) => `${e.endpoint}: ${e.message}`);
  const parts = [...behind, ...errors];
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/** Another controller reconciles: follow its progress through the store. */
async function watchStore(app: App, infraId: string, timeoutMs: number, holder: string): Promise<ConvergeResult> {
  const store = app.store();
  const deadline = Date.now() + timeoutMs;
  app.log.info({ infra: infraId }, `${holder} is reconciling ${infraId}; waiting for it`);
  while (Date.now() < deadline) {
    const infra = await store.getInfra(infraId);
    if (!infra) return { exitCode: EXIT.badInput, message: `${infraId}: no longer in the store` };
    const status = summarise({ infra, nodes: await store.getNodes(infraId), instances: await store.listInstances(infraId), untracked: 0, actions: 0, errors: [] });
    if (status.converged) return { exitCode: EXIT.ok, status, message: `${infraId}: ${status.phase === 'destroyed' ? 'destroyed' : 'ready'}` };
    if (status.failedNodes.length && status.settled) {
      return { exitCode: EXIT.notConverged, status, message: status.failedNodes.map((f) => `${infraId}: node ${f.node} failed: ${f.reason}`).join('\n') };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { exitCode: EXIT.notConverged, message: `${infraId}: did not converge within ${Math.round(timeoutMs / 1000)} s` };
}
