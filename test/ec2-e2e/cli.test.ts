/**
 * examples/ec2-ping end to end through the built `reef` CLI (subprocesses) against the wire-level EC2 fake:
 * deploy, per-tick observation cost, scale up and down, destroy, a bad AMI, and the secret key's absence
 * from every output and from the store file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../src/controller/plan.js';
import type { RecordedRequest } from '../fakes/ec2-server.js';
import { ACCESS_KEY, SECRET_KEY, liveInstances, startSite, userDataOf, type Ec2Site } from './site.js';
import { runReef } from './run-reef.js';

const INFRA = 'ec2-ping';

/** DescribeInstances calls that name instance ids: reef must read the cloud by tag filter, never per instance. */
function describesById(requests: RecordedRequest[]): number {
  return requests.filter((r) => r.action === 'DescribeInstances' && Object.keys(r.params).some((k) => k.startsWith('InstanceId.'))).length;
}

describe('ec2-ping through the reef CLI', () => {
  let site: Ec2Site;
  /** every output of every reef run in this suite, for the secrets check at the end */
  const outputs: string[] = [];
  const reef = async (args: string[]) => {
    const r = await runReef(site.dir, args);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const status = async () => JSON.parse((await reef(['status', INFRA, '-o', 'json'])).stdout) as Record<string, {
    instances: Record<string, { state: string; resource_address: string | null }>;
    scaling: { actual: number; target: number };
  }>;
  /** scale through the CLI; returns the run and the requests the fake saw meanwhile */
  const scale = async (to: number) => {
    const from = site.fake.requests.length;
    const run = await reef(['--log-level', 'debug', 'scale', INFRA, 'ping_sender', '--to', String(to), '--wait', '--timeout', '60']);
    return { run, requests: site.fake.requests.slice(from) };
  };

  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('deploys the example: tagged, idempotent, rendered creates; the cloud read by tag, never per instance', async () => {
    const validate = await reef(['validate', ...site.applyArgs]);
    expect(validate.code).toBe(0);
    expect(site.fake.requests).toEqual([]); // validate calls no cloud
    const run = await reef(['--log-level', 'debug', 'apply', ...site.applyArgs, '--wait', '--timeout', '60']);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${INFRA}: ready`);

    const report = await status();
    const receiverId = Object.keys(report.ping_receiver.instances)[0];
    const senderId = Object.keys(report.ping_sender.instances)[0];
    expect(report.ping_receiver.instances[receiverId].state).toBe('ready');
    expect(report.ping_sender.instances[senderId].state).toBe('ready');

    const runs = site.fake.calls('RunInstances');
    expect(runs.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(runs.every((r) => r.accessKeyId === ACCESS_KEY)).toBe(true); // the auth file's keys signed the calls
    const [receiver, sender] = site.fake.instanceList();
    expect(receiver.tags).toMatchObject({ 'reef.infra': INFRA, 'reef.node': 'ping_receiver', 'reef.instance': receiverId, project: 'ec2-ping' });
    expect(sender.tags).toMatchObject({ 'reef.infra': INFRA, 'reef.node': 'ping_sender', 'reef.instance': senderId });
    expect(sender.tags.Name).toBe(`reef-${INFRA}-ping_sender-${senderId.slice('ping_sender-'.length, 'ping_sender-'.length + 8)}`);
    expect(receiver.clientToken).toBe(receiverId);
    expect(sender.clientToken).toBe(senderId);
    expect(sender).toMatchObject({ keyName: 'reef-e2e-key', subnetId: 'subnet-0e2e0001', securityGroupIds: ['sg-0e2e0001'] });
    expect(report.ping_sender.instances[senderId].resource_address).toBe(sender.publicIp);

    // user data: base64 on the wire, the rendered cloud-config inside; the sender's names the receiver
    expect(runs[1].params.UserData).toBe(Buffer.from(sender.userData!, 'utf8').toString('base64'));
    const [receiverData] = userDataOf(site.fake, 'ping_receiver');
    const [senderData] = userDataOf(site.fake, 'ping_sender');
    expect(receiverData).toMatch(/^#cloud-config\n/);
    expect(receiverData).toContain(`receiver ${INFRA} ${receiverId}`);
    expect(senderData).toMatch(/^#cloud-config\n/);
    expect(senderData).toContain(`ping -c 1 ${receiver.privateIp} `);
    expect(senderData).toContain('Hello from reef: $(date)');
    expect(senderData).not.toContain('{{');

    expect(site.fake.calls('DescribeInstances').length).toBeGreaterThan(0);
    expect(describesById(site.fake.requests)).toBe(0); // the per-tick count is in observe-cost.test.ts
  }, 60_000);

  it('scales ping_sender up one by one, then down: TerminateInstances hits the youngest first', async () => {
    const added: string[] = [];
    for (const to of [2, 3]) {
      // an unavailable cloud (twice: the SDK retries once) puts an error through reef's logs and store
      if (to === 2) for (let i = 0; i < 2; i++) site.fake.failNext('Unavailable', 'Please try again shortly.', { action: 'RunInstances', status: 503 });
      const { run, requests } = await scale(to);
      expect(run.code).toBe(0);
      const created = requests.filter((r) => r.action === 'RunInstances' && r.outcome === 'ok');
      expect(created).toHaveLength(1);
      if (to === 2) {
        expect(requests.filter((r) => r.outcome === 'Unavailable')).toHaveLength(2);
        const errs = run.logs.map((l) => l.err as { code?: string; message?: string } | undefined);
        expect(errs).toContainEqual(expect.objectContaining({ code: 'Unavailable', message: 'Please try again shortly.' }));
      }
      added.push(created[0].params.ClientToken);
      expect(describesById(requests)).toBe(0);
    }
    expect((await status()).ping_sender.scaling).toMatchObject({ actual: 3, target: 3 });
    const senders = liveInstances(site.fake).filter((i) => i.tags['reef.node'] === 'ping_sender');
    expect(new Set(senders.map((i) => i.tags.Name)).size).toBe(3); // told apart in the EC2 console

    const ec2IdOf = (token: string) => site.fake.instanceList().find((i) => i.clientToken === token)!.id;
    const terminated: string[] = [];
    for (const to of [2, 1]) {
      const { run, requests } = await scale(to);
      expect(run.code).toBe(0);
      terminated.push(...requests.filter((r) => r.action === 'TerminateInstances').map((r) => r.params['InstanceId.1']));
    }
    expect(terminated).toEqual([ec2IdOf(added[1]), ec2IdOf(added[0])]);
    const report = await status();
    expect(report.ping_sender.scaling).toMatchObject({ actual: 1, target: 1 });
    expect(Object.keys(report.ping_sender.instances)).not.toContain(added[0]);
    expect(liveInstances(site.fake)).toHaveLength(2);
  }, 90_000); // six CLI processes: room for a loaded CI machine

  it('destroy --wait terminates everything it created', async () => {
    const run = await reef(['--log-level', 'debug', 'destroy', INFRA, '--wait', '--timeout', '60']);
    expect(run.code).toBe(0);
    expect(liveInstances(site.fake)).toEqual([]);
    expect(site.fake.calls('TerminateInstances').length).toBe(site.fake.instanceList().length);
  });

  it('never shows the secret key: not in any output (debug logs), status, logs, nor the store file', async () => {
    outputs.push((await reef(['status', INFRA, '-o', 'json'])).stdout, (await reef(['status', INFRA])).stdout);
    const logs = await reef(['logs', INFRA, '-o', 'json']);
    expect(logs.stdout.split('\n').length).toBeGreaterThan(10);
    outputs.push(logs.stdout);
    expect(readFileSync(site.authFile, 'utf8')).toContain(SECRET_KEY); // the needle is the real one
    for (const text of outputs) expect(text).not.toContain(SECRET_KEY);
    const stateDir = join(site.dir, '.reef');
    const files = readdirSync(stateDir);
    expect(files).toContain('state.db');
    for (const f of files) expect(readFileSync(join(stateDir, f)).includes(SECRET_KEY), f).toBe(false);
  });
});

describe('a bad AMI through the reef CLI', () => {
  let site: Ec2Site;
  beforeAll(async () => {
    site = await startSite({ ami: 'ami-0badbadbadbadbad0' });
  });
  afterAll(async () => {
    await site?.close();
  });

  it("fails the node once with the cloud's code and message, exit 1, and a bounded number of RunInstances", async () => {
    const run = await runReef(site.dir, ['apply', ...site.applyArgs, '--wait', '--timeout', '60']);
    expect(run.code).toBe(1);
    const cloudWords = "InvalidAMIID.NotFound: The image id '[ami-0badbadbadbadbad0]' does not exist";
    const report = `${INFRA}: node ping_receiver failed: REEF_EC2_INVALID_AMI: ${cloudWords}`;
    expect(run.stdout.split('\n').filter((l) => l === report)).toHaveLength(1);

    const runs = site.fake.calls('RunInstances');
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFailures);
    expect(runs.every((r) => r.outcome === 'InvalidAMIID.NotFound' && r.params.ImageId === 'ami-0badbadbadbadbad0')).toBe(true);
    expect(site.fake.instanceList()).toEqual([]); // the sender, which depends on the receiver, was never tried

    const events = (await runReef(site.dir, ['logs', INFRA, '-o', 'json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; message: string });
    const failed = events.filter((e) => e.kind === 'node.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toContain(cloudWords);
  });
});
