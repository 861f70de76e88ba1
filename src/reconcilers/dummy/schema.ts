/**
 * The `resource:` section of the dummy driver (reef's simulated cloud) and its defaults.
 *
 * fail_create rules (documented in the schema descriptions too):
 *  - every create call that reaches the cloud counts as one attempt, per instance (or per node with `per: node`),
 *    and the counter lives in the cloud file, so it survives restarts;
 *  - attempts 1..`times` (all attempts when `times` is absent) fail with probability `fatal` (FatalError),
 *    else with probability `transient` (TransientError), drawn from (seed, key, attempt): deterministic;
 *  - `times` alone means "fail the first N attempts transiently, then succeed" (transient defaults to 1).
 */
import type { ResourceSection } from '../../spec/types.js';

const probability = { type: 'number', minimum: 0, maximum: 1 } as const;
const millis = { type: 'number', minimum: 0 } as const;

export const resourceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { const: 'dummy' },
    endpoint: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$',
      description: 'name of the simulated cloud; its file is <stateDir>/dummy-cloud/<endpoint>.db (default "default")',
    },
    name: { type: 'string' },
    flavor: { type: 'string' },
    image: { type: 'string' },
    create_delay: { ...millis, description: 'ms the create call takes (default 0)' },
    unreachable: { type: 'boolean', description: 'simulate an endpoint that does not answer: every call fails with REEF_DUMMY_UNREACHABLE' },
    boot_delay: { ...millis, description: 'ms from created to running (default 0)' },
    fail_create: {
      type: 'object',
      additionalProperties: false,
      properties: {
        transient: { ...probability, description: 'probability an attempt fails with a TransientError' },
        fatal: { ...probability, description: 'probability an attempt fails with a FatalError (checked first)' },
        times: {
          type: 'integer',
          minimum: 0,
          description: 'only attempts 1..times may fail; alone, they fail transiently for certain',
        },
        per: { enum: ['instance', 'node'], description: 'what the attempt counter counts (default instance)' },
      },
    },
    die_after: { ...millis, description: 'ms after running the instance goes failed' },
    die_probability: { ...probability, description: 'share of instances die_after applies to (default 1)' },
    unhealthy_after: { ...millis, description: 'ms after running checkHealth reports failing' },
    unhealthy_probability: { ...probability, description: 'share of instances unhealthy_after applies to (default 1)' },
    unhealthy: { type: 'boolean', description: 'checkHealth always fails' },
    seed: { type: 'integer', description: 'seed of every random choice (default 0)' },
    ip_prefix: {
      type: 'string',
      pattern: '^(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2}))?$',
      description: 'first two octets of handed-out addresses (default "10.77"; "10" means "10.0"); past 65,024 instances the next /16s follow',
    },
  },
} as const;

export interface DummyResource extends ResourceSection {
  type: 'dummy' | string;
  endpoint?: string;
  name?: string;
  flavor?: string;
  image?: string;
  create_delay?: number;
  unreachable?: boolean;
  boot_delay?: number;
  fail_create?: { transient?: number; fatal?: number; times?: number; per?: 'instance' | 'node' };
  die_after?: number;
  die_probability?: number;
  unhealthy_after?: number;
  unhealthy_probability?: number;
  unhealthy?: boolean;
  seed?: number;
  ip_prefix?: string;
}

/** A resource section with every default applied. */
export interface DummySettings {
  endpoint: string;
  flavor?: string;
  image?: string;
  createDelay: number;
  unreachable: boolean;
  bootDelay: number;
  failCreate?: { transient: number; fatal: number; times?: number; per: 'instance' | 'node' };
  dieAfter?: number;
  dieProbability: number;
  unhealthyAfter?: number;
  unhealthyProbability: number;
  unhealthy: boolean;
  seed: number;
  ipPrefix: string;
}

export const DEFAULT_ENDPOINT = 'default';

export function resolveSettings(r: DummyResource): DummySettings {
  const f = r.fail_create;
  const onlyTimes = f !== undefined && f.transient === undefined && f.fatal === undefined;
  return {
    endpoint: r.endpoint ?? DEFAULT_ENDPOINT,
    flavor: r.flavor,
    image: r.image,
    createDelay: r.create_delay ?? 0,
    unreachable: r.unreachable ?? false,
    bootDelay: r.boot_delay ?? 0,
    failCreate: f && {
      transient: f.transient ?? (onlyTimes && f.times !== undefined ? 1 : 0),
      fatal: f.fatal ?? 0,
      times: f.times,
      per: f.per ?? 'instance',
    },
    dieAfter: r.die_after,
    dieProbability: r.die_probability ?? 1,
    unhealthyAfter: r.unhealthy_after,
    unhealthyProbability: r.unhealthy_probability ?? 1,
    unhealthy: r.unhealthy ?? false,
    seed: r.seed ?? 0,
    ipPrefix: r.ip_prefix ?? '10.77',
  };
}
