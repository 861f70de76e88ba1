/**
 * One end-to-end "site": the wire-level EC2 fake on 127.0.0.1:0 and a copy of examples/ec2-ping in a temp dir
 * with every placeholder filled the way the example's README tells a newcomer to (endpoint, AMI, key pair,
 * security group, subnet, auth keys). Only the ping health check is switched off: the fake's addresses are
 * not reachable, and tests may send traffic to 127.0.0.0/8 only.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { FakeEc2Server, type FakeEc2Options } from '../fakes/ec2-server.js';

export const EXAMPLE = join(ROOT, 'examples/ec2-ping');
export const EXAMPLE_ENDPOINT = 'https://ec2.eu-west-1.amazonaws.com';
export const GOOD_AMI = 'ami-0e2e0e2e0e2e0e2e0';
export const ACCESS_KEY = 'AKIDREEFE2ETEST00001';
/** distinctive, so a grep over logs, outputs and the store file cannot miss it */
export const SECRET_KEY = 'e2eSecret/Zq8Xv3Lm7Pw2Rt9Ky4Nb6Hd1Jf5Gc0';

export interface SiteOptions {
  fake?: FakeEc2Options;
  /** the AMI written into the node definitions (default GOOD_AMI, which the fake knows) */
  ami?: string;
  /** health_check.timeout in seconds (default 60) */
  healthTimeoutS?: number;
}

export interface Ec2Site {
  dir: string;
  fake: FakeEc2Server;
  infraFile: string;
  nodesFile: string;
  authFile: string;
  /** apply arguments for the CLI: the example's files and the auth file */
  applyArgs: string[];
  close(): Promise<void>;
}

export async function startSite(opts: SiteOptions = {}): Promise<Ec2Site> {
  const fake = await FakeEc2Server.start({ amis: [GOOD_AMI], runningAfterMs: 300, ...opts.fake });
  const dir = mkdtempSync(join(tmpdir(), 'reef-ec2-e2e-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  const nodesFile = join(dir, 'nodes/node_definitions.yaml');
  edit(nodesFile, (text) =>
    text
      .replaceAll(EXAMPLE_ENDPOINT, fake.url)
      .replaceAll('ami-REPLACE_ME', opts.ami ?? GOOD_AMI)
      .replaceAll('REPLACE_ME_KEYPAIR', 'reef-e2e-key')
      .replaceAll('sg-REPLACE_ME', 'sg-0e2e0001')
      .replaceAll('subnet-REPLACE_ME', 'subnet-0e2e0001')
      .replace(/ping: true/g, 'ping: false')
      .replace(/timeout: \d+/g, `timeout: ${opts.healthTimeoutS ?? 60}`),
  );
  const authFile = join(dir, 'auth_data.yaml');
  writeFileSync(
    authFile,
    readFileSync(join(dir, 'auth_data.yaml.example'), 'utf8')
      .replaceAll(EXAMPLE_ENDPOINT, fake.url)
      .replace('REPLACE_ME_ACCESS_KEY_ID', ACCESS_KEY)
      .replace('REPLACE_ME_SECRET_ACCESS_KEY', SECRET_KEY),
  );
  const leftovers = placeholdersIn(dir);
  if (leftovers.length) throw new Error(`example placeholders the README does not cover: ${leftovers.join(', ')}`);
  const infraFile = join(dir, 'infra-ping.yaml');
  return {
    dir, fake, infraFile, nodesFile, authFile,
    applyArgs: [infraFile, '--nodes', nodesFile, '--auth', authFile],
    async close() {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function edit(file: string, fn: (text: string) => string): void {
  writeFileSync(file, fn(readFileSync(file, 'utf8')));
}

/** `file: placeholder` for each REPLACE_ME left in a YAML file reef reads (comments and *.example excluded). */
function placeholdersIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const file = join(dir, name);
    if (!/\.ya?ml$/.test(name) || statSync(file).isDirectory()) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const code = line.replace(/#.*$/, '');
      const m = /\S*REPLACE_ME\S*/.exec(code);
      if (m) out.push(`${name}: ${m[0]}`);
    }
  }
  return out;
}

/** The decoded user data the fake received for each instance of a node, in launch order. */
export function userDataOf(fake: FakeEc2Server, node: string): string[] {
  return fake.instanceList().filter((i) => i.tags['reef.node'] === node).map((i) => i.userData ?? '');
}

/** Instances the fake still has alive (not terminated) for this infra. */
export function liveInstances(fake: FakeEc2Server, infra = 'ec2-ping') {
  return fake.instanceList().filter((i) => i.tags['reef.infra'] === infra && fake.cloud.stateOf(i) !== 'terminated');
}
