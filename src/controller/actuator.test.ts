import { describe, expect, it } from 'vitest';
import { inSlices } from './actuator.js';

/** Which items inSlices handed to fn before each yield to the event loop. */
async function slicesOf(n: number): Promise<number[]> {
  const sizes: number[] = [];
  let current = 0;
  let yielded = false;
  const items = Array.from({ length: n }, (_, i) => i);
  const done = inSlices(items, () => {
    if (yielded) {
      sizes.push(current);
      current = 0;
      yielded = false;
    }
    current += 1;
    setImmediate(() => { yielded = true; });
  });
  await done;
  if (current) sizes.push(current);
  return sizes;
}

describe('inSlices', () => {
  it('starts a small first slice, then slices of 100, yielding to the event loop between them', async () => {
    expect(await slicesOf(10)).toEqual([10]);
    expect(await slicesOf(16)).toEqual([16]);
    expect(await slicesOf(17)).toEqual([16, 1]);
    expect(await slicesOf(250)).toEqual([16, 100, 100, 34]);
  });

  it('calls fn once per item, in order', async () => {
    const seen: number[] = [];
    await inSlices([3, 1, 2], (x) => seen.push(x));
    expect(seen).toEqual([3, 1, 2]);
  });
});
