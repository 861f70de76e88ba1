import { describe, expect, it } from 'vitest';
import { table } from './render.js';

describe('table', () => {
  it('pads columns to their widest cell, one line per row', () => {
    expect(table(['NODE', 'STATE'], [['head', 'ready'], ['worker', 'booting']])).toBe(
      'NODE     STATE\nhead     ready\nworker   booting',
    );
  });
  it('renders many rows in one pass', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => [`w-${i}`, 'ready', `10.0.${i >> 8}.${i & 255}`]);
    const out = table(['INSTANCE', 'STATE', 'ADDRESS'], rows).split('\n');
    expect(out).toHaveLength(10_001);
    expect(out[10_000]).toBe('w-9999     ready   10.0.39.15');
  });
});
