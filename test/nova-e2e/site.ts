/**
 * One end-to-end workspace for the nova suites: the nova-ping fixture copied to a temp dir with its
 * placeholders filled from the local cloud (as a tutorial user fills them), a unique infra id, a temp state
 * store, and the reef CLI as an async subprocess (the fault proxy answers from this process).
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROOT } from '../helpers/cli.js';
import { runReef, type ReefRun } from '../ec2-e2e/run-reef.js';
import type { OsEnv } from '../nova/cloud.js';

export interface NovaSite {
  dir: string;
  id: string;
  applyArgs: string[];
  reef(args: string[], opts?: { timeoutMs?: number }): Promise<ReefRun>;
  /** every output of every run, for the secrets check */
  outputs: string[];
  cleanup(): void;
}

export interface Fill {
  endpoint: string;
  projectId: string;
  networkId: string;
  flavor?: string;
  auth?: 'password' | 'appcred';
  password?: string;
}

export function novaSite(env: OsEnv, what: string, fill: Fill): NovaSite {
  const dir = mkdtempSync(join(tmpdir(), 'reef-nova-e2e-'));
  cpSync(join(ROOT, 'test/fixtures/nova-ping'), dir, { recursive: true });
  const values: Record<string, string> = {
    FILL_ENDPOINT: fill.endpoint, FILL_PROJECT_ID: fill.projectId, FILL_IMAGE_ID: env.imageId, FILL_NETWORK_ID: fill.networkId,
    FILL_FLAVOR: fill.flavor ?? 'm1.tiny', FILL_KEY_NAME: env.keyName, FILL_USERNAME: env.username,
    FILL_PASSWORD: fill.password ?? env.password, FILL_APPCRED_ID: env.appCredId ?? '', FILL_APPCRED_SECRET: env.appCredSecret ?? '',
  };
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/FILL_[A-Z_]+/g, (k) => values[k] ?? k));
  }
  const id = `nova-${what}-${randomBytes(3).toString('hex')}`;
  const state = join(dir, 'state.db');
  const auth = join(dir, fill.auth === 'appcred' ? 'auth-appcred.yaml' : 'auth.yaml');
  const outputs: string[] = [];
  return {
    dir, id, outputs,
    applyArgs: [join(dir, 'infra.yaml'), '--nodes', join(dir, 'nodes.yaml'), '--auth', auth, '--id', id],
    async reef(args, opts) {
      const r = await runReef(dir, ['--state', state, ...args], { timeoutMs: opts?.timeoutMs ?? 300_000 });
      outputs.push(r.stdout, r.stderr);
      return r;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function explain(r: ReefRun): string {
  return `exit ${r.code}\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-3000)}`;
}

export interface Report {
  [node: string]: {
    instances: Record<string, { resource_address: string | null; state: string; error?: string }>;
    scaling: { actual: number; target: number };
  };
}

export async function status(site: NovaSite): Promise<Report> {
  const r = await site.reef(['status', site.id, '-o', 'json']);
  if (r.code !== 0) throw new Error(`status: ${explain(r)}`);
  return JSON.parse(r.stdout) as Report;
}
