import { createHash } from 'node:crypto';
import type { InfraSpec } from '../../spec/types.js';

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** Identifies the desired state; `source` (where the files were read from) is not part of it. */
export function specHash(spec: InfraSpec): string {
  const { source: _source, ...desired } = spec;
  return createHash('sha256').update(stableStringify(desired)).digest('hex');
}
