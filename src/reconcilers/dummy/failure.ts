/** Pure failure-injection decisions of the simulated cloud (see schema.ts for the rules). */
import { unitRandom } from './rng.js';
import type { DummySettings } from './schema.js';

export type CreateFailure = 'transient' | 'fatal' | null;

/** The attempt counter's key: one per instance, or one per node (so a replacement instance can succeed). */
export function attemptKey(s: DummySettings, instanceId: string, infra: string, node: string): string {
  return s.failCreate?.per === 'node' ? `node:${infra}/${node}` : `instance:${instanceId}`;
}

/** Whether create attempt number `attempt` (1-based) under `key` fails, and how. */
export function decideCreateFailure(s: DummySettings, key: string, attempt: number): CreateFailure {
  const f = s.failCreate;
  if (!f) return null;
  if (f.times !== undefined && attempt > f.times) return null;
  const r = unitRandom(s.seed, 'create', key, attempt);
  if (r < f.fatal) return 'fatal';
  if (r < f.fatal + f.transient) return 'transient';
  return null;
}

/** Whether a per-instance trait that applies to a share `probability` of instances (die_after, ...) applies to this one. */
export function isChosen(s: DummySettings, trait: string, instanceId: string, probability: number): boolean {
  if (probability >= 1) return true;
  return unitRandom(s.seed, trait, instanceId) < probability;
}
