/**
 * fetch() for a URL a descriptor names, under the process's host access: with full access (a CLI user) plain
 * fetch; otherwise every redirect is followed by hand and must itself be allowed, so an allowed server cannot
 * bounce reef to an address the operator did not allow.
 */
import { allowedUrl, type HostAccess } from '../util/host-access.js';

const MAX_REDIRECTS = 5;

export async function fetchAllowed(
  url: string, init: RequestInit, access: HostAccess, field: string, allowed: (url: string) => boolean = (u) => access.url(u),
): Promise<Response> {
  if (access.unrestricted) return fetch(url, { ...init, redirect: 'follow' });
  let at = url;
  for (let hop = 0; ; hop += 1) {
    if (!allowed(at)) allowedUrl(access, field, at); // throws the refusal
    const res = await fetch(at, { ...init, redirect: 'manual' });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (location === null) return res;
    await res.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    at = new URL(location, at).href;
  }
}
