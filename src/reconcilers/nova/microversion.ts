/**
 * Compute API microversion: reef asks for WANTED (2.79) or the highest the cloud offers below it. Features
 * that depend on it: tags on create and tag filters (≥ 2.52), `networks` mandatory (≥ 2.37, "auto"/"none").
 */
export const WANTED = '2.79';
export const TAGS_MIN = '2.52';
export const NETWORKS_REQUIRED_MIN = '2.37';

export function compare(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : (an ?? 0) - (bn ?? 0);
}

/**
 * The version document of `GET <compute>/` → the microversion to send, or undefined when the cloud has
 * no microversions (send no header: plain 2.1). A minimum above WANTED is used as is (newer clouds drop old ones).
 */
export function negotiate(doc: unknown, wanted = WANTED): string | undefined {
  const v = (doc as { version?: { version?: string; min_version?: string } } | undefined)?.version;
  const max = v?.version;
  if (!max || !/^\d+\.\d+$/.test(max)) return undefined;
  const min = v?.min_version && /^\d+\.\d+$/.test(v.min_version) ? v.min_version : '2.1';
  if (compare(max, wanted) < 0) return max;
  if (compare(min, wanted) > 0) return min;
  return wanted;
}

export function atLeast(version: string | undefined, min: string): boolean {
  return version !== undefined && compare(version, min) >= 0;
}
