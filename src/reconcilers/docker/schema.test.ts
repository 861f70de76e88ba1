import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { resourceSchema } from './schema.js';

const validate = new Ajv({ allErrors: true, strict: true }).compile(resourceSchema);

describe('docker resourceSchema', () => {
  it.each([
    ['Occopus docker-helloworld', { type: 'docker', endpoint: 'unix:///var/run/docker.sock', origin: 'dockerhub', image: 'busybox', tag: 'latest', name: 'h' }],
    ['Occopus with network_mode', { type: 'docker', endpoint: 'tcp://10.0.0.1:2375', image: 'x', tag: 1.36, network_mode: 'bridge' }],
    ['reef options', {
      type: 'docker', image: 'x', ports: ['8080:80', '127.0.0.1::80', 53, '127.0.0.1:5353:53/udp'], volumes: ['/a:/b:ro', '/c'],
      memory: '256m', cpus: 1.5, labels: { a: 'b' }, privileged: false, cap_add: ['NET_ADMIN'], extra_hosts: ['db:10.0.0.2'], stop_timeout: 0,
      origin: 'file:///tmp/x.tar',
    }],
  ])('accepts %s', (_label, resource) => {
    expect(validate(resource), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['no image', { type: 'docker' }],
    ['restart policy (reef replaces instead)', { type: 'docker', image: 'x', restart: 'always' }],
    ['unknown endpoint scheme', { type: 'docker', image: 'x', endpoint: 'ssh://host' }],
    ['bad port', { type: 'docker', image: 'x', ports: ['80:http'] }],
    ['bad memory', { type: 'docker', image: 'x', memory: 'lots' }],
    ['zero cpus', { type: 'docker', image: 'x', cpus: 0 }],
    ['non-string label', { type: 'docker', image: 'x', labels: { a: 1 } }],
  ])('rejects %s', (_label, resource) => {
    expect(validate(resource)).toBe(false);
  });
});
