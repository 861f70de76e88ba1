/**
 * The `ssh` driver: instances are machines that already exist. create claims a free host of the pool (and
 * checks that we can log in), observe/list report a claimed host as running once it answers SSH, destroy runs
 * the optional cleanup command and frees the host. Nothing is created or deleted anywhere.
 */
import type {
  CallContext, CreateRequest, CreateResult, DestroyRequest, Driver, DriverDeps, ConnectionProvider, ListRequest, Observation, ResourceRef,
} from '../driver.js';
import { isReefError } from '../errors.js';
import { atBoundary } from '../kit.js';
import { BannerCache, probeSshBanner } from './banner-probe.js';
import { withSshSession } from './connect.js';
import { sshExec } from './exec.js';
import { parseRefId, poolHosts, poolKey, refIdOf, splitHostId, sshTargetFor } from './hosts.js';
import { SshPoolDb, poolFilePath, type ClaimRow } from './pool-db.js';
import { resourceSchema, type SshResource } from './schema.js';
import type { SshTarget } from './types.js';

export interface SshDriverOptions {
  /** bound of the SSH-greeting probe behind observe/list; default 2000 ms. */
  probeTimeoutMs?: number;
  /** how long a successful probe is trusted; default 15000 ms. */
  probeTtlMs?: number;
  /** bound of cleanup_command; default 300000 ms. */
  cleanupTimeoutMs?: number;
}

/** connectionFor: how to log in to a claimed host (host key pinned from the pool file), for config managers and ssh health checks. */
export interface SshDriver extends Driver<SshResource>, ConnectionProvider<SshResource> {}

export function createSshDriver(deps: DriverDeps, opts: SshDriverOptions = {}): SshDriver {
  let db: SshPoolDb | undefined;
  const pool = () => (db ??= new SshPoolDb(poolFilePath(deps.stateDir)));
  const probes = new BannerCache(opts.probeTtlMs ?? 15_000);
  const probeTimeoutMs = opts.probeTimeoutMs ?? 2000;

  function targetFor(resource: SshResource, hostId: string, credentials: Record<string, unknown> | undefined, ctx?: CallContext) {
    const target = sshTargetFor(resource, hostId, credentials);
    target.hostKey = {
      expected: pool().hostKey(hostId),
      onFirstSeen: (fp) => {
        pool().recordHostKey(hostId, fp, ctx?.clock.now() ?? Date.now());
        ctx?.log.info({ endpoint: hostId, fingerprint: fp }, 'ssh host key recorded (trust on first use)');
      },
    };
    return target;
  }

  async function observationOf(claim: ClaimRow, ctx: CallContext): Promise<Observation> {
    const { host, port } = splitHostId(claim.host);
    const ref = { driver: 'ssh', endpoint: claim.pool, id: refIdOf(claim.host, claim.instance_id) };
    const probe = await probes.get(claim.host, ctx.clock.now(), () => probeSshBanner(host, port, probeTimeoutMs, ctx.signal));
    return {
      exists: true,
      ref,
      phase: probe.ok ? 'running' : 'pending',
      addresses: { ip: host, privateIp: host },
      labels: { infra: claim.infra, node: claim.node, instance: claim.instance_id, ...(claim.spec_hash ? { specHash: claim.spec_hash } : {}) },
      ...(probe.ok ? {} : { reason: `${claim.host}: ${probe.reason}` }),
    };
  }

  return {
    type: 'ssh',
    resourceSchema,
    endpointKey: (resource) => poolKey(resource),

    create: (req, ctx) => atBoundary(ctx, `ssh create ${req.instanceId}`, () => create(req, ctx), 'REEF_SSH_FAILED'),
    list: (req, ctx) => atBoundary(ctx, `ssh list ${poolKey(req.resource)}`, () => list(req, ctx), 'REEF_SSH_FAILED'),
    destroy: (req, ctx) => atBoundary(ctx, `ssh destroy ${req.ref.id}`, () => destroy(req, ctx), 'REEF_SSH_FAILED'),

    connectionFor(ref, resource, credentials) {
      return targetFor(resource, parseRefId(ref.id).hostId, credentials);
    },

    async close() {
      db?.close();
      db = undefined;
    },
  };

  async function create(req: CreateRequest<SshResource>, ctx: CallContext): Promise<CreateResult> {
    const key = poolKey(req.resource);
    const claim = pool().claim(key, poolHosts(req.resource).map((h) => h.id), req.labels, ctx.clock.now());
    ctx.log.info({ endpoint: claim.host }, 'ssh host claimed');
    try {
      // Log in once now: bad credentials fail the instance at once, and the host key gets recorded.
      await withSshSession(targetFor(req.resource, claim.host, req.credentials, ctx), ctx, async () => undefined);
    } catch (err) {
      // A fatal login problem is ours, not the host's: give the host back. A transient one keeps the claim for the retry.
      if (isReefError(err) && !err.transient) pool().release(key, claim.host, req.instanceId);
      throw err;
    }
    const { host } = splitHostId(claim.host);
    return { ref: { driver: 'ssh', endpoint: key, id: refIdOf(claim.host, req.instanceId) }, addresses: { ip: host, privateIp: host } };
  }

  async function list(req: ListRequest<SshResource>, ctx: CallContext): Promise<Observation[]> {
    const claims = pool().list(poolKey(req.resource), req.infraId);
    return Promise.all(claims.map((c) => observationOf(c, ctx)));
  }

  async function destroy(req: DestroyRequest<SshResource>, ctx: CallContext): Promise<void> {
    const { hostId, instanceId } = parseRefId(req.ref.id);
    const claim = pool().byHost(req.ref.endpoint, hostId);
    if (!claim || claim.instance_id !== instanceId) return; // already freed (or re-claimed by another instance)
    const command = req.resource.cleanup_command;
    if (command) {
      const target = targetFor(req.resource, hostId, req.credentials, ctx);
      try {
        const res = await sshExec(target, command, ctx, { timeoutMs: opts.cleanupTimeoutMs ?? 300_000 });
        if (res.code !== 0) {
          ctx.log.warn({ endpoint: hostId, exitCode: res.code, stderr: res.stderr.slice(-2000) }, 'ssh cleanup_command failed; freeing the host anyway');
        }
      } catch (err) {
        // Unreachable now: retry the destroy later. Anything fatal (auth, changed host key) will not heal by
        // retrying, and holding the host forever helps no one: free it and say so.
        if (!isReefError(err) || err.transient) throw err;
        ctx.log.warn({ endpoint: hostId, err: err.toJSON() }, 'ssh cleanup_command could not run; freeing the host anyway');
      }
    }
    pool().release(req.ref.endpoint, hostId, instanceId);
    probes.forget(hostId);
    ctx.log.info({ endpoint: hostId }, 'ssh host freed');
  }
}
