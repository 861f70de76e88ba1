import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observeViaList } from '../drivers/observe.js';
import { FatalError, TransientError, isReefError } from '../../src/reconcilers/errors.js';
import { createEc2Driver, type Ec2DriverOptions } from '../../src/reconcilers/ec2/index.js';
import { silentLogger } from '../../src/util/log.js';
import { FakeEc2Server } from '../fakes/ec2-server.js';
import { filtersOf } from '../fakes/ec2-query.js';
import { CREDENTIALS, ManualClock, MemoryLog, createRequest, makeCtx, resourceAt } from './harness.js';

let clock: ManualClock;
let fake: FakeEc2Server;
let drivers: Array<{ close?(): Promise<void> }>;

beforeEach(async () => {
  clock = new ManualClock();
  fake = await FakeEc2Server.start({ now: clock.now, runningAfterMs: 5_000 });
  drivers = [];
});

afterEach(async () => {
  for (const d of drivers) await d.close?.();
  await fake.close();
});

function driver(options: Ec2DriverOptions = {}) {
  const d = createEc2Driver({ stateDir: '/nonexistent', log: silentLogger() }, options);
  drivers.push(d);
  return d;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('ec2 driver against the wire-level fake', () => {
  it('creates one instance with reef tags, the instance id as ClientToken and base64 user data', async () => {
    const d = driver();
    const ctx = makeCtx(clock);
    const resource = resourceAt(fake.url, { tags: { team: 'blue' }, key_name: 'k1', security_group_ids: ['sg-1', 'sg-2'] });
    const result = await d.create(createRequest(resource, 'inst-0001', { userData: '#cloud-config\nruncmd: [echo hi]\n' }), ctx);

    const [call] = fake.calls('RunInstances');
    expect(call.params).toMatchObject({
      ImageId: 'ami-12345678', InstanceType: 't3.micro', MinCount: '1', MaxCount: '1', ClientToken: 'inst-0001',
      KeyName: 'k1', 'SecurityGroupId.1': 'sg-1', 'SecurityGroupId.2': 'sg-2', 'TagSpecification.1.ResourceType': 'instance',
      UserData: Buffer.from('#cloud-config\nruncmd: [echo hi]\n').toString('base64'),
    });
    const [instance] = fake.instanceList();
    expect(instance.tags).toEqual({
      Name: 'reef-demo-web-inst-000', team: 'blue', 'reef.infra': 'demo', 'reef.node': 'web', 'reef.instance': 'inst-0001',
    });
    expect(instance.userData).toBe('#cloud-config\nruncmd: [echo hi]\n');
    expect(result.ref).toMatchObject({ driver: 'ec2', endpoint: `${fake.url}|eu-west-1`, id: instance.id });
    expect(result.addresses).toEqual({ ip: instance.privateIp, privateIp: instance.privateIp });

    expect(await observeViaList(d, { ref: result.ref, resource, credentials: CREDENTIALS }, ctx)).toMatchObject({ exists: true, phase: 'pending' });
    clock.advance(5_000);
    expect(await observeViaList(d, { ref: result.ref, resource, credentials: CREDENTIALS }, ctx)).toEqual({
      exists: true, ref: result.ref, phase: 'running',
      addresses: { ip: instance.publicIp, privateIp: instance.privateIp },
      labels: { infra: 'demo', node: 'web', instance: 'inst-0001' },
    });
  });

  it('makes no twin when a create times out after the cloud acted and is then retried', async () => {
    const d = driver({ requestTimeoutMs: 300 });
    const ctx = makeCtx(clock);
    const resource = resourceAt(fake.url);
    fake.delayRunResponses(2, 1_500); // both SDK attempts time out; the server launched on the first one

    const err = await caught(d.create(createRequest(resource, 'inst-timeout'), ctx));
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: 'REEF_EC2_TIMEOUT' });
    expect(fake.instanceList()).toHaveLength(1);

    const again = await d.create(createRequest(resource, 'inst-timeout'), ctx);
    expect(fake.instanceList()).toHaveLength(1);
    expect(again.ref.id).toBe(fake.instanceList()[0].id);
    const tokens = fake.calls('RunInstances').map((c) => c.params.ClientToken);
    expect(tokens).toEqual(['inst-timeout', 'inst-timeout', 'inst-timeout']);
  });

  it('lists with one paginated, tag-filtered DescribeInstances series and skips terminated and foreign instances', async () => {
    const d = driver({ pageSize: 5 });
    const ctx = makeCtx(clock);
    const resource = resourceAt(fake.url);
    for (let i = 0; i < 12; i++) await d.create(createRequest(resource, `a-${i}`, { infra: 'alpha' }), ctx);
    for (let i = 0; i < 3; i++) await d.create(createRequest(resource, `b-${i}`, { infra: 'beta' }), ctx);
    fake.cloud.run({ ImageId: 'ami-12345678', MinCount: '1', MaxCount: '1' }); // not reef's: no tags
    const gone = await d.create(createRequest(resource, 'a-gone', { infra: 'alpha' }), ctx);
    await d.destroy({ ref: gone.ref, resource, credentials: CREDENTIALS }, ctx);
    fake.requests.length = 0;

    const alpha = await d.list({ resource, infraId: 'alpha', credentials: CREDENTIALS }, ctx);
    expect(alpha.map((o) => (o.exists ? o.labels.instance : '')).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `a-${i}`).sort(),
    );
    const describes = fake.calls('DescribeInstances');
    expect(describes).toHaveLength(3); // 12 instances, 5 per page
    expect(fake.requests).toHaveLength(3);
    for (const call of describes) {
      expect(call.params.MaxResults).toBe('5');
      expect(filtersOf(call.params)).toEqual([
        { name: 'tag:reef.infra', values: ['alpha'] },
        { name: 'instance-state-name', values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
      ]);
    }
    expect(describes[0].params.NextToken).toBeUndefined();
    expect(describes[1].params.NextToken).toBeDefined();

    fake.requests.length = 0;
    const all = await d.list({ resource, credentials: CREDENTIALS }, ctx);
    expect(all).toHaveLength(15);
    expect(filtersOf(fake.requests[0].params)[0]).toEqual({ name: 'tag-key', values: ['reef.infra'] });
  });

  // The grace period that covered this used to live here too; it is the engine's alone now (one place:
  // controller/instance/implementations.ts CREATION_GRACE_MS, tested in machine.test.ts).
  it('lists a just-created instance Describe cannot see yet as absent, and finds it once EC2 shows it', async () => {
    const d = driver();
    const ctx = makeCtx(clock);
    const resource = resourceAt(fake.url);
    fake.invisibleFor(60_000);
    const { ref } = await d.create(createRequest(resource, 'inst-ec'), ctx);
    expect(await observeViaList(d, { ref, resource, credentials: CREDENTIALS }, ctx)).toEqual({ exists: false, ref });
    clock.advance(61_000);
    expect(await observeViaList(d, { ref, resource, credentials: CREDENTIALS }, ctx)).toMatchObject({ exists: true, labels: { instance: 'inst-ec' } });
  });

  it('terminates, treats an unknown id as already gone, and observes terminated instances as absent', async () => {
    const d = driver();
    const ctx = makeCtx(clock);
    const resource = resourceAt(fake.url);
    const { ref } = await d.create(createRequest(resource, 'inst-del'), ctx);
    await d.destroy({ ref, resource, credentials: CREDENTIALS }, ctx);
    expect(fake.calls('TerminateInstances')[0].params['InstanceId.1']).toBe(ref.id);
    expect(await observeViaList(d, { ref, resource, credentials: CREDENTIALS }, ctx)).toEqual({ exists: false, ref });

    const unknown = { ...ref, id: 'i-00000000000000bad' };
    await expect(d.destroy({ ref: unknown, resource, credentials: CREDENTIALS }, ctx)).resolves.toBeUndefined();
    expect(fake.calls('TerminateInstances').at(-1)?.outcome).toBe('InvalidInstanceID.NotFound');
  });

  it('sees an instance terminated out of band as absent, and shutting-down as stopped', async () => {
    const slowFake = await FakeEc2Server.start({ now: clock.now, shutdownMs: 10_000 });
    try {
      const d = driver();
      const ctx = makeCtx(clock);
      const resource = resourceAt(slowFake.url);
      const { ref } = await d.create(createRequest(resource, 'inst-oob'), ctx);
      slowFake.terminateOutOfBand(ref.id);
      expect(await observeViaList(d, { ref, resource, credentials: CREDENTIALS }, ctx)).toMatchObject({ exists: true, phase: 'stopped' });
      clock.advance(10_000);
      expect(await observeViaList(d, { ref, resource, credentials: CREDENTIALS }, ctx)).toEqual({ exists: false, ref });
      expect(await d.list({ resource, credentials: CREDENTIALS }, ctx)).toEqual([]);
    } finally {
      await slowFake.close();
    }
  });

  it('under 30 % throttling every call succeeds or throws TransientError REEF_EC2_THROTTLED, and creates stay single', async () => {
    const d = driver();
    const ctx = makeCtx(clock);
    const resource = resourceAt(fake.url);
    fake.throttleRate(0.3);
    const outcomes: string[] = [];
    const attempt = async (call: () => Promise<unknown>): Promise<boolean> => {
      try {
        await call();
        outcomes.push('ok');
        return true;
      } catch (e) {
        expect(e).toBeInstanceOf(TransientError);
        expect(e).toMatchObject({ code: 'REEF_EC2_THROTTLED', retryAfterMs: 1_000 });
        outcomes.push('throttled');
        return false;
      }
    };
    const refs = [];
    for (let i = 0; i < 6; i++) {
      for (let tries = 0; tries < 10; tries++) {
        let ref;
        if (await attempt(async () => { ref = (await d.create(createRequest(resource, `thr-${i}`), ctx)).ref; })) {
          refs.push(ref!);
          break;
        }
      }
    }
    for (const ref of refs) await attempt(() => observeViaList(d, { ref, resource, credentials: CREDENTIALS }, ctx));
    for (let i = 0; i < 6; i++) await attempt(() => d.list({ resource, credentials: CREDENTIALS }, ctx));

    expect(refs).toHaveLength(6);
    expect(fake.instanceList()).toHaveLength(6); // one VM per instance id, however many throttled tries
    expect(outcomes).toContain('ok');
    expect(outcomes).toContain('throttled');
    expect(fake.requests.some((r) => r.outcome === 'RequestLimitExceeded')).toBe(true);
  });

  it("fails a bad AMI at once with the cloud's code and message", async () => {
    const d = driver();
    const err = await caught(d.create(createRequest(resourceAt(fake.url, { image_id: 'ami-nope' }), 'inst-bad'), makeCtx(clock)));
    expect(err).toBeInstanceOf(FatalError);
    expect(err).toMatchObject({ code: 'REEF_EC2_INVALID_AMI', message: "InvalidAMIID.NotFound: The image id '[ami-nope]' does not exist" });
    expect(fake.calls('RunInstances')).toHaveLength(1); // fatal errors are not retried by the SDK either
  });

  it('reports missing capacity as transient after the SDK retry also failed', async () => {
    const d = driver();
    fake.failNext('InsufficientInstanceCapacity', 'We currently do not have sufficient t3.micro capacity', { status: 500 });
    fake.failNext('InsufficientInstanceCapacity', 'We currently do not have sufficient t3.micro capacity', { status: 500 });
    const err = await caught(d.create(createRequest(resourceAt(fake.url), 'inst-cap'), makeCtx(clock)));
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: 'REEF_EC2_INSUFFICIENT_CAPACITY' });
    expect(fake.instanceList()).toHaveLength(0);
  });

  it('refuses user data over 16 KB before calling the cloud', async () => {
    const d = driver();
    const err = await caught(d.create(createRequest(resourceAt(fake.url), 'inst-big', { userData: 'x'.repeat(16 * 1024 + 1) }), makeCtx(clock)));
    expect(err).toMatchObject({ code: 'REEF_EC2_USERDATA_TOO_LARGE', transient: false });
    expect(fake.requests).toHaveLength(0);
  });

  it('turns an aborted signal into a ReefError and an unreachable endpoint into a transient one', async () => {
    const d = driver();
    const aborted = new AbortController();
    aborted.abort();
    const err = await caught(d.list({ resource: resourceAt(fake.url), credentials: CREDENTIALS }, makeCtx(clock, new MemoryLog(), aborted.signal)));
    expect(isReefError(err) && err.transient).toBe(true);
    expect(err).toMatchObject({ code: 'REEF_EC2_ABORTED' });

    const closed = await FakeEc2Server.start();
    const deadUrl = closed.url;
    await closed.close();
    const err2 = await caught(d.list({ resource: resourceAt(deadUrl), credentials: CREDENTIALS }, makeCtx(clock)));
    expect(err2).toMatchObject({ code: 'REEF_EC2_UNREACHABLE', transient: true });
  });

  it('signs with the auth-file keys, never logs them, and falls back to the default AWS chain', async () => {
    const log = new MemoryLog();
    const d = driver();
    const ctx = makeCtx(clock, log);
    const resource = resourceAt(fake.url);
    const { ref } = await d.create(createRequest(resource, 'inst-cred'), ctx);
    await observeViaList(d, { ref, resource, credentials: CREDENTIALS }, ctx);
    await d.list({ resource, credentials: CREDENTIALS }, ctx);
    fake.failNext('AuthFailure', 'AWS was not able to validate the provided access credentials', { status: 401 });
    await caught(d.destroy({ ref, resource, credentials: CREDENTIALS }, ctx));
    await d.destroy({ ref, resource, credentials: CREDENTIALS }, ctx);

    expect(fake.requests.every((r) => r.accessKeyId === CREDENTIALS.accesskey)).toBe(true);
    expect(log.lines.length).toBeGreaterThanOrEqual(5);
    for (const secret of Object.values(CREDENTIALS)) expect(log.text()).not.toContain(secret);

    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENVIRONMENT';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    try {
      await d.list({ resource }, ctx);
      expect(fake.requests.at(-1)?.accessKeyId).toBe('AKIDFROMENVIRONMENT');
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID; else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY; else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it('refuses auth data without a secret key, naming the key but not the value', async () => {
    const d = driver();
    const req = { ...createRequest(resourceAt(fake.url), 'inst-x'), credentials: { accesskey: 'AKIDONLY' } };
    const err = await caught(d.create(req, makeCtx(clock)));
    expect(err).toMatchObject({ code: 'REEF_EC2_BAD_CREDENTIALS' });
    expect((err as Error).message).not.toContain('AKIDONLY');
  });
});
