import { describe, expect, it } from 'vitest';
import { addressLines, reefInfraId, scaleRequest } from './occopus-args.js';
import { isOccopusInvocation } from './occopus.js';

describe("Occopus's command-line values", () => {
  it('maps infra ids deterministically; no id gives a fresh uuid4', () => {
    expect(reefInfraId('micado_worker_infra')).toBe('micado-worker-infra');
    expect(reefInfraId('1f0c8a2e-7d1b-4f43-9c55-0b8f9d6d2a10')).toBe('1f0c8a2e-7d1b-4f43-9c55-0b8f9d6d2a10');
    expect(reefInfraId(undefined)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reefInfraId(undefined)).not.toBe(reefInfraId(undefined));
    expect(() => reefInfraId('x'.repeat(64))).toThrow('must be 1 to 63 characters');
  });

  it('turns -c / -s / -f into --by / --to / --instance, exactly one of them', () => {
    expect(scaleRequest({ changescale: '+2' })).toEqual({ by: 2 });
    expect(scaleRequest({ changescale: '-1' })).toEqual({ by: -1 });
    expect(scaleRequest({ setscale: '3' })).toEqual({ to: 3 });
    expect(scaleRequest({ filter: '10.0.0.4' })).toEqual({ instance: '10.0.0.4' });
    expect(() => scaleRequest({})).toThrow('give exactly one of');
    expect(() => scaleRequest({ changescale: '1', setscale: '2' })).toThrow('give exactly one of');
    expect(() => scaleRequest({ changescale: '0' })).toThrow('-c/--changescale must be');
    expect(() => scaleRequest({ setscale: '0' })).toThrow('-s/--setscale must be');
  });

  it('writes one line per instance with its addresses (maintain -o), filtered by node name', () => {
    const instances = [
      { node: 'head', addresses: { ip: '192.0.2.1', privateIp: '10.0.0.1' } },
      { node: 'worker', addresses: { ip: '10.0.0.2', privateIp: '10.0.0.2' } },
      { node: 'worker', addresses: {} },
    ];
    expect(addressLines(instances)).toBe('192.0.2.1 10.0.0.1\n10.0.0.2\n');
    expect(addressLines(instances, 'work')).toBe('10.0.0.2\n');
  });

  it('recognises `reef [globals] occopus …` only when occopus is the command word', () => {
    expect(isOccopusInvocation(['node', 'reef', 'occopus', 'maintain', '-o', 'f'])).toBe(true);
    expect(isOccopusInvocation(['node', 'reef', '--state', 's.db', '-o', 'json', 'occopus', 'build', 'x'])).toBe(true);
    expect(isOccopusInvocation(['node', 'reef', 'status', 'occopus'])).toBe(false);
    expect(isOccopusInvocation(['node', 'reef', '--state', 'occopus', 'status'])).toBe(false);
  });
});
