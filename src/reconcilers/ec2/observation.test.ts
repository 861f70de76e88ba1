import { describe, expect, it } from 'vitest';
import type { Instance } from '@aws-sdk/client-ec2';
import { phaseOf, toObservation } from './observation.js';

const ref = { driver: 'ec2', endpoint: 'http://x|us-east-1', id: 'i-1' };

function instance(state: string, extra: Partial<Instance> = {}): Instance {
  return {
    InstanceId: 'i-1',
    State: { Name: state as never, Code: 0 },
    Tags: [
      { Key: 'reef.infra', Value: 'inf' },
      { Key: 'reef.node', Value: 'web' },
      { Key: 'reef.instance', Value: 'abc' },
    ],
    ...extra,
  };
}

describe('phaseOf', () => {
  it.each([
    ['pending', 'pending'],
    ['running', 'running'],
    ['stopping', 'stopped'],
    ['stopped', 'stopped'],
    ['shutting-down', 'stopped'],
    ['terminated', undefined],
  ])('%s → %s', (state, phase) => {
    expect(phaseOf(state)).toBe(phase);
  });
});

describe('toObservation', () => {
  it('prefers the public address for ip and keeps the private one', () => {
    const obs = toObservation(instance('running', { PublicIpAddress: '1.2.3.4', PrivateIpAddress: '10.0.0.5' }), ref);
    expect(obs).toEqual({
      exists: true,
      ref,
      phase: 'running',
      addresses: { ip: '1.2.3.4', privateIp: '10.0.0.5' },
      labels: { infra: 'inf', node: 'web', instance: 'abc' },
    });
  });

  it('falls back to the private address when there is no public one', () => {
    const obs = toObservation(instance('running', { PrivateIpAddress: '10.0.0.5' }), ref);
    expect(obs).toMatchObject({ addresses: { ip: '10.0.0.5', privateIp: '10.0.0.5' } });
  });

  it('reports a terminated instance as absent', () => {
    expect(toObservation(instance('terminated'), ref)).toEqual({ exists: false, ref });
  });

  it('gives the cloud reason for a stopped instance', () => {
    const obs = toObservation(
      instance('stopped', { StateReason: { Code: 'Client.UserInitiatedShutdown', Message: 'User initiated shutdown' } }),
      ref,
    );
    expect(obs).toMatchObject({ phase: 'stopped', reason: 'User initiated shutdown' });
  });
});
