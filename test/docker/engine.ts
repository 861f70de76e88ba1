/** Shared set-up for the real-engine Docker suites: the engine must answer (CI always starts one). */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { systemClock } from '../../src/controller/clock.js';
import type { CallContext, Observation } from '../../src/reconcilers/driver.js';
import { silentLogger } from '../../src/util/log.js';

export const SOCKET = '/var/run/docker.sock';
export const ENDPOINT = `unix://${SOCKET}`;
export const BASE_IMAGE = 'reef-test/busybox';
export const HEALTHY_IMAGE = 'reef-test/busybox-healthy';

export const engine = new Docker({ socketPath: SOCKET });

export async function requireEngine(): Promise<void> {
  try {
    await engine.ping();
  } catch (e) {
    throw new Error(`no Docker engine answers on ${SOCKET} (${(e as Error).message}); run scripts/ensure-docker.sh`);
  }
  execFileSync(fileURLToPath(new URL('./build-images.sh', import.meta.url)), { stdio: 'inherit' });
}

export function callContext(signal: AbortSignal = new AbortController().signal): CallContext {
  return { signal, clock: systemClock, log: silentLogger() };
}

/** Removes every container labelled with this infra (the suites' afterAll). */
export async function removeInfra(infra: string): Promise<number> {
  const containers = await engine.listContainers({ all: true, filters: { label: [`reef.infra=${infra}`] } });
  await Promise.all(containers.map((c) => engine.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  return containers.length;
}

/**
 * Records every observation a watch delivers; waitFor resolves on the first (past or future) match, or rejects
 * after `withinMs` (a deadline, not a sleep).
 */
export function recordWatch(subscribe: (onChange: (o: Observation) => void) => () => void) {
  const seen: Observation[] = [];
  const waiters: Array<{ predicate: (o: Observation) => boolean; resolve: (o: Observation) => void }> = [];
  const stop = subscribe((o) => {
    seen.push(o);
    for (const w of [...waiters]) {
      if (!w.predicate(o)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(o);
    }
  });
  function waitFor(predicate: (o: Observation) => boolean, withinMs: number): Promise<Observation> {
    const past = seen.find(predicate);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.findIndex((w) => w.predicate === predicate), 1);
        reject(new Error(`no matching observation within ${withinMs} ms; saw ${JSON.stringify(seen)}`));
      }, withinMs);
      waiters.push({ predicate, resolve: (o) => { clearTimeout(timer); resolve(o); } });
    });
  }
  return { seen, waitFor, stop };
}
