import { describe, expect, it } from 'vitest';
import type { ContainerInfo, ContainerInspectInfo } from 'dockerode';
import { factsFromInspect, factsFromSummary, toObservation, type ContainerFacts } from './observation.js';

const EP = 'unix:///var/run/docker.sock';
const labels = { 'reef.infra': 'demo', 'reef.node': 'web', 'reef.instance': 'i-1', other: 'x' };
const bridge = { bridge: { IPAddress: '172.17.0.5' } };

function facts(over: Partial<ContainerFacts>): ContainerFacts {
  return { id: 'c1', status: 'running', labels, networks: bridge, ...over };
}

describe('toObservation', () => {
  it.each<[string, Partial<ContainerFacts>, string, string | undefined]>([
    ['created', { status: 'created' }, 'pending', undefined],
    ['restarting', { status: 'restarting' }, 'pending', undefined],
    ['running', {}, 'running', undefined],
    ['clean exit', { status: 'exited', exitCode: 0 }, 'stopped', 'exited (0)'],
    ['killed', { status: 'exited', exitCode: 137 }, 'failed', 'exited (137)'],
    ['oom', { status: 'exited', exitCode: 137, oomKilled: true }, 'failed', 'exited (137, OOM killed)'],
    ['start error', { status: 'exited', exitCode: 127, error: 'exec: "/nope": not found' }, 'failed', 'exited (127, exec: "/nope": not found)'],
    ['dead', { status: 'dead', exitCode: 0 }, 'failed', 'dead (0)'],
    ['paused', { status: 'paused' }, 'stopped', 'paused'],
  ])('%s', (_label, over, phase, reason) => {
    const o = toObservation(facts(over), EP);
    expect(o).toMatchObject({ exists: true, phase, ref: { driver: 'docker', endpoint: EP, id: 'c1' } });
    expect(o.exists && o.reason).toBe(reason ?? (undefined as unknown as string));
  });

  it('reads reef labels and the first network IP', () => {
    expect(toObservation(facts({ health: 'healthy' }), EP)).toEqual({
      exists: true, ref: { driver: 'docker', endpoint: EP, id: 'c1' }, phase: 'running',
      addresses: { ip: '172.17.0.5', privateIp: '172.17.0.5' },
      labels: { infra: 'demo', node: 'web', instance: 'i-1' }, health: 'healthy',
    });
  });

  it('gives host networking the loopback address and no network nothing', () => {
    expect(toObservation(facts({ networkMode: 'host', networks: { host: { IPAddress: '' } } }), EP)).toMatchObject({ addresses: { ip: '127.0.0.1' } });
    expect(toObservation(facts({ networkMode: 'none', networks: { none: { IPAddress: '' } } }), EP)).toMatchObject({ addresses: {} });
  });
});

describe('facts from Docker views', () => {
  it('reads the list summary status text', () => {
    const summary = (State: string, Status: string) =>
      ({ Id: 'c1', State, Status, Labels: labels, HostConfig: { NetworkMode: 'default' }, NetworkSettings: { Networks: bridge } }) as unknown as ContainerInfo;
    expect(factsFromSummary(summary('exited', 'Exited (137) 2 seconds ago'))).toMatchObject({ status: 'exited', exitCode: 137 });
    expect(factsFromSummary(summary('running', 'Up 3 seconds (healthy)'))).toMatchObject({ health: 'healthy' });
    expect(factsFromSummary(summary('running', 'Up 1 second (health: starting)'))).toMatchObject({ health: 'starting' });
    expect(factsFromSummary(summary('running', 'Up 1 second')).health).toBeUndefined();
  });

  it('reads inspect state', () => {
    const info = {
      Id: 'c1', Config: { Labels: labels }, HostConfig: { NetworkMode: 'default' }, NetworkSettings: { Networks: bridge },
      State: { Status: 'exited', ExitCode: 1, OOMKilled: false, Error: '', Health: { Status: 'unhealthy' } },
    } as unknown as ContainerInspectInfo;
    expect(factsFromInspect(info)).toEqual({
      id: 'c1', status: 'exited', exitCode: 1, oomKilled: false, error: undefined, health: 'unhealthy', labels,
      networkMode: 'default', networks: bridge,
    });
  });
});
