/**
 * Floating IPs through Neutron. Each one reef allocates names its server in `description`
 * ("reef-server:<id> reef-instance:<id>"), so a retried create finds the one a lost answer allocated, and
 * destroy releases every one of the server's, attached or not (a floating IP outlives its server otherwise).
 */
import type { CallContext } from '../driver.js';
import { FatalError, TransientError } from '../errors.js';
import type { OpenStackSession } from './session.js';

export interface FloatingIp {
  id: string;
  floating_ip_address?: string;
  port_id?: string | null;
  description?: string;
  floating_network_id?: string;
}

export function fipDescription(serverId: string, instanceId: string): string {
  return `reef-server:${serverId} reef-instance:${instanceId}`.slice(0, 255);
}

export function ownedBy(fip: FloatingIp, serverId: string): boolean {
  return (fip.description ?? '').split(' ').includes(`reef-server:${serverId}`);
}

/** Every floating IP of the project (one call; projects hold few). */
export async function listFloatingIps(session: OpenStackSession, ctx: CallContext): Promise<FloatingIp[]> {
  const res = await session.network(ctx, 'GET', '/floatingips', undefined, { what: 'list floating IPs' });
  return ((res.body as { floatingips?: FloatingIp[] })?.floatingips) ?? [];
}

/** The external network named or identified by `pool`, else the first external network visible. */
export async function externalNetworkId(session: OpenStackSession, pool: string | null | undefined, ctx: CallContext): Promise<string> {
  const res = await session.network(ctx, 'GET', '/networks?router:external=true', undefined, { what: 'list external networks' });
  const nets = ((res.body as { networks?: Array<{ id: string; name?: string }> })?.networks) ?? [];
  const net = pool ? nets.find((n) => n.id === pool || n.name === pool) : nets[0];
  if (!net) {
    throw new FatalError('REEF_NOVA_NO_FLOATING_POOL', pool
      ? `floating_ip_pool "${pool}" is not an external network of this project (have: ${nets.map((n) => n.name ?? n.id).join(', ') || 'none'})`
      : 'floating_ip is set but the project sees no external network to allocate from');
  }
  return net.id;
}

/** The server's first port (its fixed address); undefined while Nova is still plugging it. */
export async function serverPortId(session: OpenStackSession, serverId: string, ctx: CallContext): Promise<string | undefined> {
  const res = await session.network(ctx, 'GET', `/ports?device_id=${encodeURIComponent(serverId)}`, undefined, { what: `ports of server ${serverId}` });
  return ((res.body as { ports?: Array<{ id: string }> })?.ports)?.[0]?.id;
}

/** One floating IP on the server's port: reuses one this server already owns (attached or not), else allocates. */
export async function ensureFloatingIp(session: OpenStackSession, args: { serverId: string; instanceId: string; pool?: string | null },
  ctx: CallContext): Promise<FloatingIp> {
  const portId = await serverPortId(session, args.serverId, ctx);
  if (!portId) throw new TransientError('REEF_NOVA_NO_PORT', `server ${args.serverId} has no network port yet for its floating IP`);
  const mine = (await listFloatingIps(session, ctx)).filter((f) => ownedBy(f, args.serverId));
  const attached = mine.find((f) => f.port_id === portId);
  if (attached) return attached;
  if (mine[0]) {
    const res = await session.network(ctx, 'PUT', `/floatingips/${mine[0].id}`, { floatingip: { port_id: portId } },
      { what: `attach floating IP ${mine[0].floating_ip_address ?? mine[0].id} to server ${args.serverId}` });
    return (res.body as { floatingip: FloatingIp }).floatingip;
  }
  const networkId = await externalNetworkId(session, args.pool, ctx);
  const res = await session.network(ctx, 'POST', '/floatingips', {
    floatingip: { floating_network_id: networkId, port_id: portId, description: fipDescription(args.serverId, args.instanceId) },
  }, { what: `allocate a floating IP for server ${args.serverId}`, idempotent: false });
  return (res.body as { floatingip: FloatingIp }).floatingip;
}

/** Releases every floating IP the server owns; returns how many. A 404 (already released) is fine. */
export async function releaseFloatingIps(session: OpenStackSession, serverId: string, ctx: CallContext,
  known?: FloatingIp[]): Promise<number> {
  const mine = (known ?? (await listFloatingIps(session, ctx))).filter((f) => ownedBy(f, serverId));
  for (const fip of mine) {
    try {
      await session.network(ctx, 'DELETE', `/floatingips/${fip.id}`, undefined, { what: `release floating IP ${fip.floating_ip_address ?? fip.id}` });
    } catch (e) {
      if ((e as { cause?: { status?: number } }).cause?.status !== 404) throw e;
    }
  }
  return mine.length;
}

/** server id → the floating address reef attached to it (Nova's `addresses` may show it only seconds later). */
export function floatingByServer(fips: FloatingIp[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fips) {
    const server = /(?:^| )reef-server:(\S+)/.exec(f.description ?? '')?.[1];
    if (server && f.port_id && f.floating_ip_address) out.set(server, f.floating_ip_address);
  }
  return out;
}
