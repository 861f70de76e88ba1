/** Nova server calls: paginated detail lists, one server, create, delete. Each throws ReefErrors only. */
import type { CallContext } from '../driver.js';
import { TransientError } from '../errors.js';
import { httpStatus } from './classify.js';
import type { NovaServer } from './observation.js';
import type { OpenStackSession } from './session.js';

/** Bound on pages per list: 200 pages × PAGE_SIZE servers is far beyond one project. */
export const MAX_PAGES = 200;
export const PAGE_SIZE = 500;

/** `GET /servers/detail?<query>` following `servers_links` "next" until the last page. */
export async function listServers(session: OpenStackSession, query: Record<string, string>, ctx: CallContext,
  pageSize = PAGE_SIZE): Promise<NovaServer[]> {
  const out: NovaServer[] = [];
  let marker: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const params = new URLSearchParams({ ...query, limit: String(pageSize), ...(marker ? { marker } : {}) });
    const res = await session.compute(ctx, 'GET', `/servers/detail?${params}`, undefined, { what: `list servers (page ${page})` });
    const body = res.body as { servers?: NovaServer[]; servers_links?: Array<{ rel?: string; href?: string }> };
    const servers = body?.servers ?? [];
    out.push(...servers);
    const next = body?.servers_links?.find((l) => l.rel === 'next');
    if (!next || servers.length === 0) return out;
    marker = servers[servers.length - 1].id;
  }
  throw new TransientError('REEF_NOVA_TOO_MANY_PAGES', `server list returned more than ${MAX_PAGES} pages`);
}

export async function getServer(session: OpenStackSession, id: string, ctx: CallContext): Promise<NovaServer | undefined> {
  try {
    const res = await session.compute(ctx, 'GET', `/servers/${encodeURIComponent(id)}`, undefined, { what: `server ${id}` });
    return (res.body as { server?: NovaServer })?.server;
  } catch (e) {
    if (httpStatus(e) === 404) return undefined;
    throw e;
  }
}

/** DELETE; a server Nova no longer knows counts as deleted. */
export async function deleteServer(session: OpenStackSession, id: string, ctx: CallContext): Promise<void> {
  try {
    await session.compute(ctx, 'DELETE', `/servers/${encodeURIComponent(id)}`, undefined, { what: `delete server ${id}` });
  } catch (e) {
    if (httpStatus(e) !== 404) throw e;
  }
}

/** Nova's name filter is a regular expression: match the exact name. */
export function exactNameFilter(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}
