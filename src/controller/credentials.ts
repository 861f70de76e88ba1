/**
 * Picks the auth-file entry for a resource (or config_management) section, Occopus's way: every key of an
 * entry except auth_data is a filter that must equal the section's key. Exactly one match wins; more than
 * one is an error rather than a silent pick.
 */
import type { AuthEntry, AuthFile } from '../spec/types.js';
import { FatalError } from '../errors/index.js';

export function findCredentials(
  auth: AuthFile | undefined,
  kind: 'resource' | 'config_management',
  section: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const entries: AuthEntry[] = auth?.[kind] ?? [];
  const matches = entries.filter((entry) =>
    Object.entries(entry).every(([key, value]) => key === 'auth_data' || sameValue(section[key], value)),
  );
  if (matches.length > 1) {
    const filters = matches.map((m) => describe(m)).join(' and ');
    throw new FatalError('REEF_AUTH_AMBIGUOUS', `more than one auth entry matches ${kind} type "${String(section.type)}": ${filters}; add a "name" or "endpoint" filter`);
  }
  return matches[0]?.auth_data;
}

function sameValue(a: unknown, b: unknown): boolean {
  // a null filter matches a section without the key (Occopus: dict.get() is None); reef serve pins this way
  if (b === null) return a === undefined || a === null;
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(entry: AuthEntry): string {
  const filters = Object.entries(entry).filter(([k]) => k !== 'auth_data').map(([k, v]) => `${k}=${String(v)}`);
  return `{${filters.join(', ')}}`;
}
