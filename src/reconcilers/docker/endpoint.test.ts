import { describe, expect, it } from 'vitest';
import { parseEndpoint } from './endpoint.js';

describe('parseEndpoint', () => {
  it.each([
    [undefined, 'unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['unix:///var/run/docker.sock/', 'unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['tcp://LocalHost:2376', 'tcp://localhost:2376', { host: 'localhost', port: 2376, protocol: 'http' }],
    ['tcp://10.0.0.5', 'tcp://10.0.0.5:2375', { host: '10.0.0.5', port: 2375, protocol: 'http' }],
    ['http://127.0.0.1:1/', 'tcp://127.0.0.1:1', { host: '127.0.0.1', port: 1, protocol: 'http' }],
    ['tcp://[::1]:2375', 'tcp://[::1]:2375', { host: '::1', port: 2375, protocol: 'http' }],
  ])('%s → %s', (input, key, connection) => {
    expect(parseEndpoint(input)).toEqual({ key, connection });
  });

  it.each(['ssh://host', 'unix://relative.sock', 'tcp://host:99999', 'tcp://host:2375/path'])('rejects %s', (input) => {
    expect(() => parseEndpoint(input)).toThrow(expect.objectContaining({ code: 'REEF_DOCKER_INVALID', transient: false }));
  });
});
