import { describe, expect, it } from 'vitest';
import { renderDockerContext } from './docker.js';

describe('renderDockerContext', () => {
  it('renders the Occopus docker-ping sender section', () => {
    expect(renderDockerContext({
      type: 'docker',
      env: ['target_ip=172.17.0.2', 'count=3'],
      command: 'sh -c "ping -c $count $target_ip"',
    })).toMatchInlineSnapshot(`
      {
        "command": "sh -c "ping -c $count $target_ip"",
        "env": [
          "target_ip=172.17.0.2",
          "count=3",
        ],
        "kind": "docker",
      }
    `);
  });

  it('accepts env as a mapping, a command list, and drops context_variables', () => {
    expect(renderDockerContext({
      type: 'docker',
      env: { PORT: 8080, DEBUG: true, EMPTY: null, MSG: 'a=b c' },
      command: ['httpd', '-f', '-p', 80],
      context_variables: { x: 1 },
    })).toMatchInlineSnapshot(`
      {
        "command": [
          "httpd",
          "-f",
          "-p",
          "80",
        ],
        "env": [
          "PORT=8080",
          "DEBUG=true",
          "EMPTY=",
          "MSG=a=b c",
        ],
        "kind": "docker",
      }
    `);
  });

  it('leaves the image defaults when env and command are absent or empty', () => {
    expect(renderDockerContext({ type: 'docker' })).toEqual({ kind: 'docker', env: [] });
    expect(renderDockerContext({ type: 'docker', env: [], command: '  ' })).toEqual({ kind: 'docker', env: [] });
    expect(renderDockerContext({ type: 'docker', command: [] })).toEqual({ kind: 'docker', env: [] });
  });

  it.each([
    [{ type: 'docker', env: ['no-equals-sign'] }, /env\[0\] "no-equals-sign" is not NAME=value/],
    [{ type: 'docker', env: 'A=1' }, /env must be a list/],
    [{ type: 'docker', env: [{ a: 1 }] }, /env\[0\] must be a string/],
    [{ type: 'docker', command: { sh: 1 } }, /command must be a string/],
    [{ type: 'cloudinit' }, /expected "docker"/],
  ])('rejects %j', (section, message) => {
    expect(() => renderDockerContext(section)).toThrow(message);
    try {
      renderDockerContext(section);
    } catch (e) {
      expect(e).toMatchObject({ code: 'REEF_CONTEXT_DOCKER_INVALID', transient: false });
    }
  });
});
