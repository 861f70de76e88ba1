import { describe, expect, it } from 'vitest';
import { pickEndpoint, type CatalogEntry } from './catalog.js';
import { compare, negotiate, atLeast } from './microversion.js';

const catalog: CatalogEntry[] = [
  { type: 'identity', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: 'http://127.0.0.1:5000/v3/' }] },
  { type: 'compute', endpoints: [
    { interface: 'internal', region_id: 'RegionOne', url: 'http://10.0.0.1:8774/v2.1' },
    { interface: 'public', region_id: 'RegionOne', url: 'http://127.0.0.1:8774/v2.1/' },
    { interface: 'public', region_id: 'RegionTwo', url: 'http://127.0.0.2:8774/v2.1' },
  ] },
];

describe('pickEndpoint', () => {
  it('takes the public interface, in the region when one is given', () => {
    expect(pickEndpoint(catalog, 'compute', undefined)).toBe('http://127.0.0.1:8774/v2.1');
    expect(pickEndpoint(catalog, 'compute', 'RegionTwo')).toBe('http://127.0.0.2:8774/v2.1');
    expect(pickEndpoint(catalog, 'compute', 'RegionOne', 'internal')).toBe('http://10.0.0.1:8774/v2.1');
  });
  it('names the regions it has when the wanted one is missing', () => {
    expect(() => pickEndpoint(catalog, 'compute', 'Mars')).toThrow('the Keystone catalog has no public "compute" endpoint in region "Mars" (regions with one: RegionOne, RegionTwo)');
    expect(() => pickEndpoint(catalog, 'network', undefined)).toThrow(/no public "network" endpoint/);
  });
});

describe('microversion negotiation', () => {
  it('asks for 2.79 when offered, the maximum below it, the minimum above it, nothing without versions', () => {
    expect(negotiate({ version: { version: '2.93', min_version: '2.1' } })).toBe('2.79');
    expect(negotiate({ version: { version: '2.60', min_version: '2.1' } })).toBe('2.60');
    expect(negotiate({ version: { version: '2.99', min_version: '2.85' } })).toBe('2.85');
    expect(negotiate({ version: { version: '', min_version: '' } })).toBeUndefined();
    expect(negotiate(undefined)).toBeUndefined();
  });
  it('compares numerically (2.9 < 2.52)', () => {
    expect(compare('2.9', '2.52')).toBeLessThan(0);
    expect(atLeast('2.52', '2.52')).toBe(true);
    expect(atLeast(undefined, '2.1')).toBe(false);
  });
});
