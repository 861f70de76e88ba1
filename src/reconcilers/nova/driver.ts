/**
 * The nova driver: OpenStack Compute through Keystone v3, Nova and Neutron's REST APIs.
 *
 * No twins: Nova has no idempotency token, so every server carries a deterministic name and reef's labels as
 * metadata (and tags where the microversion allows). create() looks the instance up before any POST; when a
 * POST's answer is lost it looks again for a while instead of posting twice; and if twins exist anyway
 * (another controller, a lost answer seen too late) the oldest is kept and the others are deleted.
 */
import type {
  CallContext, CreateRequest, CreateResult, DestroyRequest, Driver, DriverDeps, ListRequest, Observation,
  ResourceRef,
} from '../driver.js';
import { LABEL_KEYS } from '../driver.js';
import { sleep } from '../../util/clock.js';
import { TransientError, isReefError, type ReefError } from '../errors.js';
import { atBoundary } from '../kit.js';
import { classifyFault, httpStatus } from './classify.js';
import { networkCode } from './http.js';
import { toNovaIdentity } from './credentials.js';
import { findFlavor, type Flavor } from './flavors.js';
import { ensureFloatingIp, floatingByServer, listFloatingIps, releaseFloatingIps } from './floating-ip.js';
import { TokenCache } from './keystone.js';
import { TAGS_MIN, atLeast } from './microversion.js';
import { addressesOf, isReefServer, toObservation, type NovaServer } from './observation.js';
import { keystoneUrl, resourceSchema, wantsFloatingIp, type NovaResource } from './schema.js';
import { REEF_TAG, infraTag, serverBody, serverName } from './server-request.js';
import { deleteServer, exactNameFilter, getServer, listServers } from './servers.js';
import { OpenStackSession } from './session.js';

export const DRIVER_TYPE = 'nova';

export interface NovaDriverOptions {
  /** poll interval while create waits for ACTIVE (floating IPs need the port); default 2 s */
  pollMs?: number;
  /** how long create waits for ACTIVE before a transient error; default 10 min */
  activeTimeoutMs?: number;
  /** after a POST /servers whose answer was lost, how long to keep looking for the server; default 60 s */
  lostAnswerWindowMs?: number;
  /** servers per page in list(); default 500 */
  pageSize?: number;
}

export function endpointKey(resource: NovaResource): string {
  return `${keystoneUrl(resource.endpoint)}|${resource.project_id}|${resource.region_name ?? ''}`;
}

export function createNovaDriver(deps: DriverDeps, options: NovaDriverOptions = {}): Driver<NovaResource> & { tokens: TokenCache } {
  const pollMs = options.pollMs ?? 2_000;
  const activeTimeoutMs = options.activeTimeoutMs ?? 600_000;
  const lostAnswerWindowMs = options.lostAnswerWindowMs ?? 60_000;
  const tokens = new TokenCache();
  const microversions = new Map<string, Promise<string | undefined>>();
  const sessions = new Map<string, OpenStackSession>();
  const flavors = new Map<string, Promise<Flavor>>();

  function sessionFor(resource: NovaResource, credentials?: Record<string, unknown>): OpenStackSession {
    const target = { keystoneUrl: keystoneUrl(resource.endpoint), identity: toNovaIdentity(credentials, resource.user_domain_name),
      projectId: resource.project_id };
    const key = `${tokens.key(target)}|${resource.region_name ?? ''}`;
    let session = sessions.get(key);
    if (!session) {
      session = new OpenStackSession(tokens, microversions, target, resource.region_name ?? undefined);
      sessions.set(key, session);
    }
    return session;
  }

  function flavorFor(session: OpenStackSession, resource: NovaResource, ctx: CallContext): Promise<Flavor> {
    const key = `${endpointKey(resource)}|${String(resource.flavor_name)}`;
    let pending = flavors.get(key);
    if (!pending) {
      pending = findFlavor(session, String(resource.flavor_name), ctx);
      flavors.set(key, pending);
      pending.catch(() => flavors.delete(key));
    }
    return pending;
  }

  /** The live servers of one reef instance (by exact name, confirmed by metadata). */
  async function serversOf(session: OpenStackSession, req: CreateRequest<NovaResource>, ctx: CallContext): Promise<NovaServer[]> {
    const name = serverName(req.resource, req.labels, req.instanceId);
    const found = await listServers(session, { name: exactNameFilter(name) }, ctx);
    return found.filter((s) => s.metadata?.[LABEL_KEYS.instance] === req.instanceId && s.status !== 'DELETED');
  }

  /** One server per instance: the oldest stays, twins are deleted (with their floating IPs). */
  async function keepOne(session: OpenStackSession, servers: NovaServer[], ctx: CallContext): Promise<NovaServer> {
    const sorted = [...servers].sort((a, b) => String((a as { created?: string }).created).localeCompare(String((b as { created?: string }).created)));
    for (const twin of sorted.slice(1)) {
      ctx.log.warn({ driver: DRIVER_TYPE, server: twin.id, kept: sorted[0].id }, 'nova: deleting a twin server of the same instance');
      await releaseFloatingIps(session, twin.id, ctx);
      await deleteServer(session, twin.id, ctx);
    }
    return sorted[0];
  }

  /** After a lost POST answer: Nova may have made the server; look for it before anyone posts again. */
  async function findAfterLostAnswer(session: OpenStackSession, req: CreateRequest<NovaResource>, ctx: CallContext): Promise<NovaServer | undefined> {
    const until = ctx.clock.now() + lostAnswerWindowMs;
    for (let i = 0; i < 1_000; i++) {
      const found = await serversOf(session, req, ctx).catch(() => []);
      if (found.length) return keepOne(session, found, ctx);
      if (ctx.clock.now() >= until) return undefined;
      await sleep(ctx.clock, Math.min(3_000, lostAnswerWindowMs), ctx.signal);
    }
    return undefined;
  }

  async function waitActive(session: OpenStackSession, id: string, what: string, ctx: CallContext): Promise<NovaServer> {
    const until = ctx.clock.now() + activeTimeoutMs;
    for (let i = 0; i < 100_000; i++) {
      const server = await getServer(session, id, ctx);
      if (!server || server.status === 'DELETED') throw new TransientError('REEF_NOVA_SERVER_GONE', `${what}: server ${id} disappeared while building`);
      if (server.status === 'ACTIVE') return server;
      if (server.status === 'ERROR') throw classifyFault(server.fault, what);
      if (ctx.clock.now() >= until) break;
      await sleep(ctx.clock, pollMs, ctx.signal);
    }
    throw new TransientError('REEF_NOVA_BUILD_TIMEOUT', `${what}: server ${id} not ACTIVE within ${Math.round(activeTimeoutMs / 1000)} s`);
  }

  /** Floating IP for a created server; a fatal failure removes the server (as Occopus does) so nothing leaks. */
  async function withFloatingIp(session: OpenStackSession, req: CreateRequest<NovaResource>, server: NovaServer, what: string,
    ctx: CallContext): Promise<{ ip?: string; privateIp?: string }> {
    try {
      const active = server.status === 'ACTIVE' ? server : await waitActive(session, server.id, what, ctx);
      const fip = await ensureFloatingIp(session, { serverId: server.id, instanceId: req.instanceId, pool: req.resource.floating_ip_pool }, ctx);
      const fixed = addressesOf(active).privateIp;
      return { ...(fip.floating_ip_address ? { ip: fip.floating_ip_address } : {}), ...(fixed ? { privateIp: fixed } : {}) };
    } catch (e) {
      if (isReefError(e) && !e.transient) {
        ctx.log.info({ driver: DRIVER_TYPE, server: server.id, code: e.code }, 'nova: removing the server whose creation failed');
        await releaseFloatingIps(session, server.id, ctx).catch(() => undefined);
        await deleteServer(session, server.id, ctx).catch(() => undefined);
      }
      throw e;
    }
  }

  /**
   * Floating addresses reef attached, by server (one Neutron call). A cloud without Neutron in its catalog, or a
   * Neutron that does not answer, leaves Nova's own `addresses` to speak (logged, not an error).
   */
  async function attachedFloating(session: OpenStackSession, ctx: CallContext): Promise<Map<string, string>> {
    try {
      return floatingByServer(await listFloatingIps(session, ctx));
    } catch (e) {
      ctx.log.debug({ driver: DRIVER_TYPE, err: (e as Error).message }, 'nova: floating IPs not listed; using Nova\'s addresses');
      return new Map();
    }
  }

  return {
    type: DRIVER_TYPE,
    resourceSchema,
    endpointKey,
    tokens,

    create: (req: CreateRequest<NovaResource>, ctx: CallContext): Promise<CreateResult> =>
      atBoundary(ctx, `nova create ${req.instanceId}`, () => create(req, ctx), 'REEF_NOVA_UNCLASSIFIED'),
    list: (req: ListRequest<NovaResource>, ctx: CallContext): Promise<Observation[]> =>
      atBoundary(ctx, 'nova list', () => list(req, ctx), 'REEF_NOVA_UNCLASSIFIED'),
    destroy: (req: DestroyRequest<NovaResource>, ctx: CallContext): Promise<void> =>
      atBoundary(ctx, `nova destroy ${req.ref.id}`, () => destroy(req, ctx), 'REEF_NOVA_UNCLASSIFIED'),

    async close(): Promise<void> {
      tokens.clear();
      sessions.clear();
      flavors.clear();
      microversions.clear();
      deps.log.debug({ driver: DRIVER_TYPE }, 'nova driver closed');
    },
  };

  async function create(req: CreateRequest<NovaResource>, ctx: CallContext): Promise<CreateResult> {
    const session = sessionFor(req.resource, req.credentials);
    const endpoint = endpointKey(req.resource);
    const what = `create server for ${req.labels.node}/${req.instanceId}`;
    const existing = await serversOf(session, req, ctx);
    let server = existing.length ? await keepOne(session, existing, ctx) : undefined;
    if (server) {
      ctx.log.info({ driver: DRIVER_TYPE, server: server.id, instance: req.instanceId }, 'nova: the instance already has a server; adopting it');
    } else {
      const flavor = await flavorFor(session, req.resource, ctx);
      const microversion = await session.microversion(ctx);
      const body = serverBody({ req, flavorId: flavor.id, microversion, flavorDiskGb: flavor.disk });
      try {
        const res = await session.compute(ctx, 'POST', '/servers', body, { what, idempotent: false });
        const id = (res.body as { server?: { id?: string } })?.server?.id;
        if (!id) throw new TransientError('REEF_NOVA_BAD_RESPONSE', `${what}: the answer named no server`);
        server = { id, status: 'BUILD' };
      } catch (e) {
        if (!answerMayBeLost(e)) throw e;
        ctx.log.warn({ driver: DRIVER_TYPE, instance: req.instanceId, code: (e as ReefError).code },
          'nova: create answer lost; looking for the server before trying again');
        server = await findAfterLostAnswer(session, req, ctx);
        if (!server) throw e;
      }
    }
    const ref: ResourceRef = { driver: DRIVER_TYPE, endpoint, id: server.id };
    if (wantsFloatingIp(req.resource)) return { ref, addresses: await withFloatingIp(session, req, server, what, ctx) };
    return { ref, addresses: addressesOf(server) };
  }

  async function list(req: ListRequest<NovaResource>, ctx: CallContext): Promise<Observation[]> {
    const session = sessionFor(req.resource, req.credentials);
    const endpoint = endpointKey(req.resource);
    const tagged = atLeast(await session.microversion(ctx), TAGS_MIN);
    const tag = req.infraId !== undefined ? infraTag(req.infraId) ?? REEF_TAG : REEF_TAG;
    const servers = await listServers(session, tagged ? { tags: tag } : {}, ctx, options.pageSize);
    const floating = servers.length ? await attachedFloating(session, ctx) : new Map<string, string>();
    const out: Observation[] = [];
    for (const listed of servers) {
      if (!isReefServer(listed, req.infraId)) continue;
      // Zed's list leaves out `fault`: the reason of a failed server costs one GET, for ERROR servers only
      const server = listed.status === 'ERROR' && !listed.fault ? (await getServer(session, listed.id, ctx)) ?? listed : listed;
      const observation = toObservation(server, { driver: DRIVER_TYPE, endpoint, id: server.id }, floating.get(server.id));
      if (observation.exists) out.push(observation);
    }
    return out;
  }

  async function destroy(req: DestroyRequest<NovaResource>, ctx: CallContext): Promise<void> {
    const session = sessionFor(req.resource, req.credentials);
    // floating IPs first: once the server is gone its floating IP would be detached but still allocated
    const released = await releaseFloatingIps(session, req.ref.id, ctx);
    await deleteServer(session, req.ref.id, ctx);
    ctx.log.debug({ driver: DRIVER_TYPE, server: req.ref.id, floatingIps: released }, 'nova: server deleted');
  }
}

/**
 * Did Nova perhaps create the server although reef got no usable answer? Yes for a dropped connection,
 * a timeout or a 5xx; no for ECONNREFUSED (never arrived) and for every 4xx (refused, nothing made).
 */
function answerMayBeLost(e: unknown): boolean {
  if (!isReefError(e) || !e.transient) return false;
  const status = httpStatus(e);
  if (status !== undefined) return status >= 500;
  const code = networkCode(e.cause);
  return e.code !== 'REEF_NOVA_ABORTED' && code !== 'ECONNREFUSED';
}
