/**
 * The credential values this process has read (every auth file goes through loadAuthFile, and every driver call's
 * credentials through the registry's boundary), so that log lines can be masked wherever they are written.
 * Process-wide on purpose: a log line may be written by any component, long after the auth file was read, and
 * must never carry a secret the process knows. Values are kept in memory only.
 */
import { maskSecrets, scrubCloudText, secretValuesOf } from './scrub.js';

const known = new Set<string>();
// a cap keeps a long-lived server that re-reads many auth files from growing without end (oldest go first)
const MAX_KNOWN = 10_000;

export function rememberSecrets(values: Iterable<string>): void {
  for (const v of values) {
    if (known.has(v)) continue;
    known.add(v);
    if (known.size > MAX_KNOWN) known.delete(known.values().next().value as string);
  }
}

/** An auth file (spec/types AuthFile; structural here, util imports nothing above it). */
export function rememberAuthFile(auth: { resource: Array<{ auth_data: unknown }>; config_management: Array<{ auth_data: unknown }> }): void {
  for (const entry of [...auth.resource, ...auth.config_management]) rememberSecrets(secretValuesOf(entry.auth_data));
}

export function rememberCredentials(credentials: Record<string, unknown> | undefined): string[] {
  const values = credentials ? secretValuesOf(credentials) : [];
  rememberSecrets(values);
  return values;
}

export function knownSecrets(): Iterable<string> {
  return known;
}

/** A log line with every known secret and token field masked (the text is not cut). */
export function maskKnown(text: string): string {
  return maskSecrets(text, known);
}

/** A cloud's text, masked with every known secret plus `extra`, one line, bounded. */
export function scrubWithKnown(text: string, extra: Iterable<string> = []): string {
  return scrubCloudText(text, [...known, ...extra]);
}
