import { describe, expect, it } from 'vitest';
import { addressesOf, phaseOf, toObservation, type NovaServer } from './observation.js';

const ref = { driver: 'nova', endpoint: 'http://k/v3|p|', id: 's1' };
const metadata = { 'reef.infra': 'inf', 'reef.node': 'web', 'reef.instance': 'web-1' };
const fixed = { version: 4, addr: '10.10.0.167', 'OS-EXT-IPS:type': 'fixed' };
const floating = { version: 4, addr: '203.0.113.20', 'OS-EXT-IPS:type': 'floating' };

describe('phaseOf', () => {
  it.each([
    ['BUILD', 'pending'], ['REBUILD', 'pending'], ['ACTIVE', 'running'], ['ERROR', 'failed'], ['SHUTOFF', 'stopped'],
    ['SUSPENDED', 'stopped'], ['DELETED', undefined], ['SOFT_DELETED', undefined], ['SOMETHING_NEW', 'pending'],
  ])('%s → %s', (status, phase) => expect(phaseOf(status)).toBe(phase));
});

describe('toObservation', () => {
  it('gives getip the floating address and getprivip the fixed one (addresses keyed by network name)', () => {
    const server: NovaServer = { id: 's1', status: 'ACTIVE', metadata, addresses: { private: [fixed, floating] } };
    expect(toObservation(server, ref)).toEqual({
      exists: true, ref, phase: 'running', addresses: { ip: '203.0.113.20', privateIp: '10.10.0.167' },
      labels: { infra: 'inf', node: 'web', instance: 'web-1' },
    });
  });
  it('falls back to the fixed address, IPv4 first', () => {
    const v6 = { version: 6, addr: 'fd00::5', 'OS-EXT-IPS:type': 'fixed' };
    expect(addressesOf({ id: 's', addresses: { private: [v6, fixed] } })).toEqual({ ip: '10.10.0.167', privateIp: '10.10.0.167' });
    expect(addressesOf({ id: 's', addresses: {} })).toEqual({});
  });
  it("reports ERROR as failed with the fault's message", () => {
    const obs = toObservation({ id: 's1', status: 'ERROR', metadata, fault: { code: 413, message: 'Quota exceeded for instances: Requested 1, but already used 3 of 3 instances' } }, ref);
    expect(obs).toMatchObject({ phase: 'failed', reason: 'Quota exceeded for instances: Requested 1, but already used 3 of 3 instances (fault 413)' });
  });
  it('reports DELETED as gone and a server being deleted as stopped', () => {
    expect(toObservation({ id: 's1', status: 'DELETED', metadata }, ref)).toEqual({ exists: false, ref });
    expect(toObservation({ id: 's1', status: 'ACTIVE', 'OS-EXT-STS:task_state': 'deleting', metadata }, ref)).toMatchObject({ phase: 'stopped', reason: 'being deleted' });
  });
});

describe('floating address from Neutron', () => {
  it("wins over Nova's addresses that have not caught up yet", () => {
    const obs = toObservation({ id: 's1', status: 'ACTIVE', metadata, addresses: { private: [fixed] } }, ref, '203.0.113.44');
    expect(obs).toMatchObject({ addresses: { ip: '203.0.113.44', privateIp: '10.10.0.167' } });
  });
});
