/**
 * Drives an infra to its desired state from the command line: this process reconciles it if no other
 * controller holds its lease; otherwise (a `reef serve` is running) it only watches the store.
 */
import type { App } from './app.js';
import type { RuntimeStatus } from '../controller/status.js';
import { summarise } from '../controller/status.js';
import { EXIT } from './exit.js';
import { finalOutcome, timedOut, type Seen } from './outcome.js';

export interface ConvergeOptions {
  timeoutMs: number;
  /** with --wait, wait for a controller elsewhere too; without it, return once the desired state is written */
  wait: boolean;
  /** the live display's bar: instances coming up (apply, scale) or going away (destroy) */
  direction?: 'up' | 'down';
  /** its first line */
  title?: string;
  /** with --wait: exit 1 once a cloud endpoint has not answered for this long */
  endpointWaitMs?: number;
}

export interface ConvergeResult {
  exitCode: number;
  status?: RuntimeStatus;
  message: string;
}

export async function converge(app: App, infraId: string, opts: ConvergeOptions): Promise<ConvergeResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const progress = app.progress;
  progress?.start(opts.direction ?? 'up', opts.title ?? infraId);
  const onStatus = progress && ((s: RuntimeStatus) => progress.update(s));
  const result = await follow(app, infraId, opts, deadline, onStatus);
  progress?.finish(result.exitCode === EXIT.ok ? 'ok' : 'failed');
  return result;
}

async function follow(app: App, infraId: string, opts: ConvergeOptions, deadline: number, onStatus?: (s: RuntimeStatus) => void): Promise<ConvergeResult> {
  for (;;) {
    const result = await (await app.controller()).run(infraId, { timeoutMs: Math.max(1, deadline - Date.now()), endpointWaitMs: opts.endpointWaitMs, onStatus });
    switch (result.kind) {
      case 'converged':
      case 'failed':
        return { ...finalOutcome(infraId, seen(result.status))!, status: result.status };
      case 'error':
        return { exitCode: EXIT.notConverged, status: result.status, message: `${infraId}: cannot reconcile: ${result.problem.message}` };
      case 'unreachable':
        return { exitCode: EXIT.notConverged, status: result.status, message: `${infraId}: gave up waiting: ${result.message}` };
      case 'stopped':
        return { exitCode: EXIT.notConverged, status: result.status, message: `${infraId}: reconciliation stopped before it converged (another controller took over?)` };
      case 'timeout':
        return { ...timedOut(infraId, opts.timeoutMs, seen(result.status)), status: result.status };
      case 'held': {
        if (!opts.wait) return { exitCode: EXIT.ok, message: `${infraId}: desired state stored; ${result.holder} is reconciling it` };
        // follow the other controller through the store; take over if its lease lapses
        const infra = await app.store().getInfra(infraId);
        if (!infra) return { exitCode: EXIT.badInput, message: `${infraId}: no longer in the store` };
        const store = app.store();
        const status = summarise({ infra, nodes: await store.getNodes(infraId), instances: await store.listInstances(infraId), untracked: 0, actions: 0, errors: [] });
        onStatus?.(status);
        const done = finalOutcome(infraId, seen(status));
        if (done) return { ...done, status };
        if (Date.now() >= deadline) return timedOut(infraId, opts.timeoutMs, seen(status), result.holder);
        app.log.debug({ infra: infraId }, `${result.holder} is reconciling ${infraId}; waiting`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

/** --endpoint-wait in ms; without --wait nothing is waited for */
export const endpointWaitMs = (o: { endpointWait?: number }) => (o.endpointWait === undefined ? undefined : o.endpointWait * 1000);

const seen = (s: RuntimeStatus): Seen => ({ ...s, destroyed: s.phase === 'destroyed' });
