/**
 * A stateless, hash-based random number: the same (seed, parts) always give the same value in [0, 1), in any
 * process and in any order of calls. That is what makes failure injection replayable under a seed.
 */
export function unitRandom(seed: number, ...parts: Array<string | number>): number {
  // FNV-1a over the text, then murmur3's finaliser to spread the bits
  let h = 0x811c9dc5 ^ (seed | 0);
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}
