/**
 * The driver conformance suite: the driver contract (src/reconcilers/driver.ts) as checks any driver runs
 * against its own real or emulated backend. Framework-free (node:assert); `describeDriverConformance` in
 * ./vitest.ts wraps them for vitest. Every check bounds its waits and cleans up what it created.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { classOf, isReefError, type ReefError } from '../errors/index.js';
import { systemClock } from '../util/clock.js';
import { silentLogger } from '../util/log.js';
import type { CallContext, CreateRequest, Driver, Observation, ReefLabels, ResourceRef } from '../reconcilers/driver.js';
import type { ResourceSection } from '../spec/types.js';
import type { ConformanceTarget, TcpAddress } from './target.js';

export interface ConformanceCheck {
  name: string;
  run(): Promise<void>;
}

const ABORT_BOUND_MS = 3_000;
/** auth_data keys whose values are secrets (a user name is not) */
const SECRET_KEY = /key|secret|password|passphrase|token/i;

/**
 * The checks, in order (the last one inspects the errors the others produced). `given` may be a function, read
 * when the first check runs: a backend started in beforeAll is known by then.
 */
export function driverConformanceChecks<R extends ResourceSection>(given: ConformanceTarget<R> | (() => ConformanceTarget<R>)): ConformanceCheck[] {
  let resolved: ConformanceTarget<R> | undefined;
  const t = () => (resolved ??= typeof given === 'function' ? given() : given);
  const target = new Proxy({} as ConformanceTarget<R>, { get: (_o, key) => t()[key as keyof ConformanceTarget<R>] });
  const run = randomBytes(3).toString('hex');
  const infraA = `conf-${run}-a`;
  const infraB = `conf-${run}-b`;
  const secrets = () =>
    target.secrets ??
    Object.entries(target.credentials ?? {})
      .filter(([key, v]) => SECRET_KEY.test(key) && typeof v === 'string' && v.length >= 4)
      .map(([, v]) => v as string);
  const errors: Array<{ check: string; error: unknown }> = [];
  const ctxFor = (signal = new AbortController().signal): CallContext =>
    target.context?.(signal) ?? { signal, clock: systemClock, log: silentLogger() };
  const createTimeoutMs = () => target.createTimeoutMs ?? 60_000;

  const request = (infra: string, instance: string, resource: R = target.resource): CreateRequest<R> => ({
    instanceId: instance,
    labels: { infra, node: 'conformance', instance, specHash: `hash-${instance}` },
    resource,
    context: target.payload ?? { kind: 'none' },
    credentials: target.credentials,
  });

  /** every driver method, with a bound, and every failure remembered for the credential check */
  async function withDriver<T>(check: string, fn: (d: Driver<R>) => Promise<T>): Promise<T> {
    const driver = await target.driver();
    try {
      return await fn(driver);
    } catch (e) {
      errors.push({ check, error: e });
      throw e;
    } finally {
      await driver.close?.();
    }
  }

  async function failure(check: string, p: Promise<unknown>): Promise<ReefError> {
    try {
      await p;
    } catch (e) {
      errors.push({ check, error: e });
      assert.ok(isReefError(e), `${check}: only ReefError may leave a driver; got ${describe(e)}`);
      return e;
    }
    assert.fail(`${check}: expected the call to fail`);
  }

  async function list(d: Driver<R>, infraId?: string, resource: R = target.resource): Promise<Observation[]> {
    return d.list({ resource, infraId, credentials: target.credentials }, ctxFor());
  }

  async function destroyAll(d: Driver<R>, infra: string): Promise<void> {
    for (const o of await list(d, infra)) {
      await d.destroy({ ref: o.ref, resource: target.resource, credentials: target.credentials }, ctxFor());
    }
    await target.cleanup?.(infra);
  }

  async function waitGone(d: Driver<R>, infra: string, instance: string): Promise<void> {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      if (!(await list(d, infra)).some((o) => instanceOf(o) === instance)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.fail(`${instance} still listed 30 s after destroy`);
  }

  const checks: ConformanceCheck[] = [
    {
      name: 'create is idempotent for an instance id, and the ref names the endpointKey',
      run: () =>
        withDriver('idempotent create', async (d) => {
          try {
            const first = await bounded(d.create(request(infraA, 'i1'), ctxFor()), createTimeoutMs(), 'create');
            const again = await bounded(d.create(request(infraA, 'i1'), ctxFor()), createTimeoutMs(), 'second create');
            assert.equal(again.ref.id, first.ref.id, 'a second create under the same instance id must return the same resource');
            assert.equal(first.ref.driver, d.type);
            assert.equal(first.ref.endpoint, d.endpointKey(target.resource), 'ref.endpoint is the endpointKey of the section');
            assert.equal(d.endpointKey(structuredClone(target.resource)), d.endpointKey(target.resource), 'endpointKey is pure');
            assert.ok(JSON.parse(JSON.stringify(first.ref)).id === first.ref.id, 'refs are JSON-serialisable');
            const mine = (await list(d, infraA)).filter((o) => instanceOf(o) === 'i1');
            assert.equal(mine.length, 1, `one resource for instance i1, found ${mine.length}`);
          } finally {
            await destroyAll(d, infraA);
          }
        }),
    },
    {
      name: "list() finds resources by infra label, with their labels (spec hash included), and only reef's",
      run: () =>
        withDriver('list by labels', async (d) => {
          const removeForeign = await target.foreign?.();
          try {
            const a = await bounded(d.create(request(infraA, 'la'), ctxFor()), createTimeoutMs(), 'create la');
            const b = await bounded(d.create(request(infraB, 'lb'), ctxFor()), createTimeoutMs(), 'create lb');
            const inA = await list(d, infraA);
            assert.deepEqual(inA.map((o) => o.ref.id), [a.ref.id], 'list(infraA) returns exactly infraA\'s resource');
            const o = inA[0]!;
            assert.ok(o.exists);
            const labels: ReefLabels = o.labels;
            assert.deepEqual(
              { infra: labels.infra, node: labels.node, instance: labels.instance, specHash: labels.specHash },
              { infra: infraA, node: 'conformance', instance: 'la', specHash: 'hash-la' },
              'the labels given at create come back from list()',
            );
            assert.ok(['pending', 'running', 'stopped', 'failed'].includes(o.phase));
            const all = await list(d);
            const ids = all.map((x) => x.ref.id);
            assert.ok(ids.includes(a.ref.id) && ids.includes(b.ref.id), 'list() without infra returns every reef resource');
            for (const x of all) assert.ok(x.exists && x.labels.infra, `list() returned a resource without reef.infra: ${JSON.stringify(x.ref)}`);
          } finally {
            await destroyAll(d, infraA);
            await destroyAll(d, infraB);
            await removeForeign?.();
          }
        }),
    },
    {
      name: 'destroy of a resource that is already gone succeeds',
      run: () =>
        withDriver('destroy missing', async (d) => {
          try {
            const { ref } = await bounded(d.create(request(infraA, 'gone'), ctxFor()), createTimeoutMs(), 'create');
            const req = { ref, resource: target.resource, credentials: target.credentials };
            await d.destroy(req, ctxFor());
            await waitGone(d, infraA, 'gone');
            await d.destroy(req, ctxFor());
            await d.destroy(req, ctxFor());
          } finally {
            await destroyAll(d, infraA);
          }
        }),
    },
    {
      name: 'an endpoint that does not answer is classified "unreachable" (list, create, destroy)',
      run: async () => {
        assert.ok(target.resourceAt || target.unreachableResource, 'the target must give resourceAt() or unreachableResource');
        const dead = await deadAddress();
        const resource = target.unreachableResource ?? target.resourceAt!(dead);
        await withDriver('unreachable', async (d) => {
          const ref: ResourceRef = target.missingRef?.(resource) ?? { driver: d.type, endpoint: d.endpointKey(resource), id: 'conformance-missing' };
          // create must reach the endpoint; list and destroy may answer without it (an ssh pool's claims are local),
          // but when they fail, it is as "unreachable"
          for (const [what, call, mustFail] of [
            ['create', () => d.create(request(infraA, 'dead', resource), ctxFor()), true],
            ['list', () => d.list({ resource, infraId: infraA, credentials: target.credentials }, ctxFor()), false],
            ['destroy', () => d.destroy({ ref, resource, credentials: target.credentials }, ctxFor()), false],
          ] as const) {
            const outcome = await bounded((call as () => Promise<unknown>)().then(() => undefined, (e: unknown) => e), 30_000, `${what} at a dead endpoint`);
            if (outcome === undefined && !mustFail) continue;
            const e = await failure(`unreachable ${what}`, Promise.reject(outcome ?? new Error(`${what} at a dead endpoint succeeded`)));
            assert.equal(classOf(e), 'unreachable', `${what} at a dead endpoint: expected class unreachable, got ${e.code} (${classOf(e)}): ${e.message}`);
            assert.equal(e.transient, true);
          }
        });
      },
    },
    {
      name: 'an aborted call stops promptly with a transient error and leaves nothing behind',
      run: async () => {
        await withDriver('abort', async (d) => {
          try {
            // already aborted: nothing may be created
            const pre = new AbortController();
            pre.abort(new Error('the instance left creating'));
            const e1 = await failure('pre-aborted create', bounded(d.create(request(infraA, 'ab1'), ctxFor(pre.signal)), ABORT_BOUND_MS, 'pre-aborted create'));
            assert.equal(e1.transient, true, `an abort is transient, got ${e1.code}`);
            assert.equal((await list(d, infraA)).filter((o) => instanceOf(o) === 'ab1').length, 0, 'a pre-aborted create created something');

            // aborted mid-call: a backend that accepts and never answers (or a slow simulated create)
            const silent = target.slowResource ? undefined : target.resourceAt ? await silentServer() : undefined;
            try {
              const resource = target.slowResource ?? (silent ? target.resourceAt!(silent.address) : undefined);
              if (!resource) return;
              const mid = new AbortController();
              const started = Date.now();
              setTimeout(() => mid.abort(new Error('the instance left creating')), 200);
              const e2 = await failure('mid-call abort', bounded(d.create(request(infraA, 'ab2', resource), ctxFor(mid.signal)), 200 + ABORT_BOUND_MS, 'aborted create'));
              assert.equal(e2.transient, true, `an abort is transient, got ${e2.code}`);
              assert.ok(Date.now() - started < 200 + ABORT_BOUND_MS);
            } finally {
              await silent?.close();
            }
          } finally {
            await destroyAll(d, infraA);
          }
        });
      },
    },
    {
      name: 'no credential appears in any error',
      run: async () => {
        // bad input the driver must refuse: the errors it produces are checked with every one seen so far
        const dead = target.resourceAt ? target.resourceAt(await deadAddress()) : target.unreachableResource;
        if (dead) {
          await withDriver('credentials', async (d) => {
            await d.create(request(infraA, 'cred', dead), ctxFor()).catch((e) => errors.push({ check: 'credentials', error: e }));
          });
        }
        assert.ok(errors.length > 0, 'the earlier checks produced no error to inspect (run the whole suite)');
        for (const { check, error } of errors) {
          const text = errorText(error);
          for (const secret of secrets()) {
            assert.ok(!text.includes(secret), `${check}: an error carries a credential: ${text.slice(0, 300)}`);
          }
        }
      },
    },
  ];
  return checks;
}

const instanceOf = (o: Observation) => (o.exists ? o.labels.instance : undefined);

function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    if (cur instanceof Error) parts.push(cur.message, JSON.stringify(cur));
    else parts.push(String(cur));
    cur = (cur as { cause?: unknown }).cause;
  }
  if (isReefError(e)) parts.push(JSON.stringify(e.toJSON()));
  return parts.join('\n');
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`conformance: ${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** A loopback port nothing listens on (bound, then closed). */
async function deadAddress(): Promise<TcpAddress> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { host: '127.0.0.1', port };
}

/** A loopback server that accepts connections and never says a word. */
async function silentServer(): Promise<{ address: TcpAddress; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: { host: '127.0.0.1', port },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
