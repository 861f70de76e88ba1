import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { containerName } from './names.js';

describe('containerName', () => {
  it('is readable when short', () => {
    expect(containerName({ infra: 'ping', node: 'ping-sender', instance: 'a1b2' }, 'a1b2')).toBe('reef-ping-ping-sender-a1b2');
  });

  it('sanitises and shortens long names, keeping them unique per instance', () => {
    const labels = { infra: 'A'.repeat(60), node: 'Worker_Node', instance: 'x' };
    const a = containerName(labels, '0193a5b2-7c1d-7e4f-9abc-def012345678');
    const b = containerName(labels, '0193a5b2-7c1d-7e4f-9abc-def012345679');
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(63);
  });

  it('always yields a valid Docker name of ≤ 63 characters, deterministic and unique per instance id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ minLength: 1, maxLength: 80 }), (infra, node, id1, id2) => {
          const labels = { infra, node, instance: id1 };
          const n1 = containerName(labels, id1);
          expect(n1).toMatch(/^reef-[a-zA-Z0-9_.-]*$/);
          expect(n1.length).toBeLessThanOrEqual(63);
          expect(containerName(labels, id1)).toBe(n1);
          if (id1 !== id2) expect(containerName(labels, id2)).not.toBe(n1);
        }),
    );
  });
});
