import { describe, expect, it } from 'vitest';
import { configManagerFor } from './registry.js';
import { parseMode } from './shell.js';

describe('config managers', () => {
  it('maps types, defaults to the no-op one, refuses unknown ones', () => {
    expect(configManagerFor('shell').kind).toBe('shell');
    expect(configManagerFor('ansible').kind).toBe('ansible');
    expect(configManagerFor('puppet_solo').kind).toBe('puppet_solo');
    expect(configManagerFor(undefined).kind).toBe('dummy');
    expect(() => configManagerFor('chef')).toThrow(/"chef" is not supported/);
  });

  it('reads string modes as octal and numbers literally', () => {
    expect(parseMode('0755')).toBe(0o755);
    expect(parseMode('644')).toBe(0o644);
    expect(parseMode(0o600)).toBe(0o600);
    expect(parseMode(undefined)).toBeUndefined();
  });
});

describe('config section shorthands', () => {
  it('accepts a single manifest and module string', async () => {
    const { planPuppetSolo } = await import('./puppet-solo.js');
    const plan = planPuppetSolo({ type: 'puppet_solo', manifests: "notice('x')", modules: 'puppetlabs-stdlib' }, 'i', 'n');
    expect(plan.files).toHaveLength(1);
    expect(plan.fetch).toHaveLength(1);
  });
});
