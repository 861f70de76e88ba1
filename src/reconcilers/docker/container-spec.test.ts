import { describe, expect, it } from 'vitest';
import { buildContainerSpec, imageRef, parseMemory, parsePort } from './container-spec.js';
import type { DockerResource } from './schema.js';

const labels = { infra: 'demo', node: 'web', instance: 'i-1' };

describe('imageRef', () => {
  it.each([
    [{ image: 'reef-test/busybox', tag: 'latest' }, 'reef-test/busybox:latest'],
    [{ image: 'busybox', tag: 1.36 as unknown as string }, 'busybox:1.36'],
    [{ image: 'busybox' }, 'busybox:latest'],
    [{ image: 'localhost:5000/busybox' }, 'localhost:5000/busybox:latest'],
    [{ image: 'busybox:1.36' }, 'busybox:1.36'],
    [{ image: 'busybox@sha256:abc' }, 'busybox@sha256:abc'],
  ])('%j → %s', (resource, ref) => expect(imageRef(resource)).toBe(ref));
});

describe('parseMemory', () => {
  it.each([['256m', 256 * 1024 ** 2], ['1g', 1024 ** 3], ['512K', 512 * 1024], ['1.5g', 1.5 * 1024 ** 3], ['64mb', 64 * 1024 ** 2], [10485760, 10485760]] as const)(
    '%s', (input, bytes) => expect(parseMemory(input)).toBe(bytes));
  it('rejects nonsense', () => expect(() => parseMemory('lots')).toThrow(/REEF_DOCKER_INVALID|memory/));
});

describe('parsePort', () => {
  it.each([
    ['8080:80', { containerPort: '80/tcp', hostIp: '', hostPort: '8080' }],
    ['127.0.0.1::80', { containerPort: '80/tcp', hostIp: '127.0.0.1', hostPort: '' }],
    ['127.0.0.1:9000:53/udp', { containerPort: '53/udp', hostIp: '127.0.0.1', hostPort: '9000' }],
    ['[::1]:8080:80', { containerPort: '80/tcp', hostIp: '::1', hostPort: '8080' }],
    [80, { containerPort: '80/tcp', hostIp: '', hostPort: '' }],
  ])('%s', (spec, mapping) => expect(parsePort(spec)).toEqual(mapping));
  it.each(['a:b', '1:2:3:4'])('rejects %s', (spec) => expect(() => parsePort(spec)).toThrow());
});

describe('buildContainerSpec', () => {
  it('maps every resource option and the docker context', () => {
    const resource: DockerResource = {
      type: 'docker', image: 'reef-test/busybox', tag: 'latest', network_mode: 'bridge',
      ports: ['8080:80', '127.0.0.1::80'], volumes: ['/srv/data:/data:ro', '/scratch'], memory: '256m', cpus: 0.5,
      labels: { team: 'a', 'reef.infra': 'spoofed' }, privileged: true, cap_add: ['NET_ADMIN'], extra_hosts: ['db:10.0.0.9'],
    };
    const spec = buildContainerSpec({
      name: 'reef-demo-web-i-1', labels, resource,
      context: { kind: 'docker', env: ['A=1', 'B=two words'], command: `sh -c "echo hi; sleep 5"` },
    });
    expect(spec).toEqual({
      name: 'reef-demo-web-i-1',
      Image: 'reef-test/busybox:latest',
      Labels: { team: 'a', 'reef.infra': 'demo', 'reef.node': 'web', 'reef.instance': 'i-1' },
      Env: ['A=1', 'B=two words'],
      Cmd: ['sh', '-c', 'echo hi; sleep 5'],
      ExposedPorts: { '80/tcp': {} },
      Volumes: { '/scratch': {} },
      HostConfig: {
        NetworkMode: 'bridge',
        PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '' }] },
        Binds: ['/srv/data:/data:ro'],
        Memory: 256 * 1024 ** 2,
        NanoCpus: 500_000_000,
        Privileged: true,
        CapAdd: ['NET_ADMIN'],
        ExtraHosts: ['db:10.0.0.9'],
      },
    });
  });

  it('keeps the image defaults when there is no context', () => {
    const spec = buildContainerSpec({ name: 'n', labels, resource: { type: 'docker', image: 'x' }, context: { kind: 'none' } });
    expect(spec).toEqual({ name: 'n', Image: 'x:latest', Labels: { 'reef.infra': 'demo', 'reef.node': 'web', 'reef.instance': 'i-1' }, HostConfig: {} });
  });

  it('passes a command list through unchanged', () => {
    const spec = buildContainerSpec({ name: 'n', labels, resource: { type: 'docker', image: 'x' }, context: { kind: 'docker', env: [], command: ['a b', 'c'] } });
    expect(spec.Cmd).toEqual(['a b', 'c']);
  });
});
