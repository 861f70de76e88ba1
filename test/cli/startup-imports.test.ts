/**
 * A command loads only what it uses: `reef --help` and `reef status` on SQLite load none of the heavy libraries
 * (each costs 20–700 ms of start-up), and a dummy apply none of the other clouds' or backends' clients, nor ajv's
 * compiler (reef's own schemas come precompiled with the build).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REEF, ROOT } from '../helpers/cli.js';

const HEAVY = ['yaml', 'ajv', 'ajv-compiler', 'nunjucks', 'xstate', 'log-update', 'ssh2', 'pg', 'dockerode', '@aws-sdk/client-ec2', 'mysql2', 'fastify'];
let dir: string;

/** The packages whose CommonJS modules the command loaded (read from require.cache as the process exits). */
function loaded(args: string[]): string[] {
  const p = spawnSync(process.execPath, ['-r', join(dir, 'report.cjs'), REEF, ...args], { cwd: dir, encoding: 'utf8' });
  expect(p.status, p.stderr).toBe(0);
  const line = p.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  return JSON.parse(line!.slice('LOADED '.length)) as string[];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reef-startup-'));
  writeFileSync(join(dir, 'report.cjs'), `process.on('exit', () => {
  const keys = Object.keys(require.cache);
  const names = new Set(keys.map((k) => (/node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(k) || [])[1]).filter(Boolean));
  // ajv's schema compiler, as opposed to the few runtime helpers precompiled validators require
  if (keys.some((k) => /node_modules\\/ajv\\/dist\\/core\\.js$/.test(k))) names.add('ajv-compiler');
  process.stderr.write('LOADED ' + JSON.stringify([...names]) + '\\n');
});`);
  const ex = join(ROOT, 'examples', 'dummy-cluster');
  const seeded = spawnSync(process.execPath, [REEF, '--state', join(dir, 'state.db'), '-o', 'json', 'apply', join(ex, 'infra.yaml'), '--nodes', join(ex, 'nodes.yaml'), '--wait'], { encoding: 'utf8' });
  expect(seeded.status, seeded.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI start-up', () => {
  it('reef --help and reef status load no heavy library', () => {
    for (const args of [['--help'], ['--state', join(dir, 'state.db'), 'status', 'dummy-cluster']]) {
      const got = loaded(args);
      expect(got).toContain('commander');
      expect(got.filter((p) => HEAVY.includes(p)), args.join(' ')).toEqual([]);
    }
  });

  it('a dummy apply loads what it validates and reconciles with, but no other cloud or store client', () => {
    const ex = join(ROOT, 'examples', 'dummy-cluster');
    const got = loaded(['--state', join(dir, 'apply.db'), '-o', 'json', 'apply', join(ex, 'infra.yaml'), '--nodes', join(ex, 'nodes.yaml'), '--id', 'startup-apply']);
    expect(got).toEqual(expect.arrayContaining(['yaml', 'xstate']));
    expect(got.filter((p) => ['ajv-compiler', 'ssh2', 'pg', 'dockerode', '@aws-sdk/client-ec2', 'mysql2', 'fastify', 'log-update'].includes(p))).toEqual([]);
  });

  it("the docker driver loads dockerode's client classes but not its BuildKit session code (gRPC, protobuf)", () => {
    const driver = join(ROOT, 'dist', 'src', 'reconcilers', 'docker', 'index.js');
    const p = spawnSync(process.execPath, ['-r', join(dir, 'report.cjs'), '--input-type=module', '-e', `await import(${JSON.stringify(driver)});`], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const got = JSON.parse(p.stderr.split('\n').find((l) => l.startsWith('LOADED '))!.slice('LOADED '.length)) as string[];
    expect(got).toEqual(expect.arrayContaining(['dockerode', 'docker-modem']));
    expect(got.filter((p) => ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'ssh2'].includes(p))).toEqual([]);
  });

  it("docker-modem's ssh transport, deferred by the docker driver, loads and works on its first use", () => {
    const driver = join(ROOT, 'dist', 'src', 'reconcilers', 'docker', 'index.js');
    const transport = join(ROOT, 'dist', 'src', 'reconcilers', 'docker', 'lazy-ssh-transport.js');
    const script = `
      import { createRequire } from 'node:module';
      import { Agent } from 'node:http';
      await import(${JSON.stringify(driver)});
      const { SSH_TRANSPORT } = await import(${JSON.stringify(transport)});
      const require = createRequire(import.meta.url);
      const ssh2Loaded = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/ssh2/'));
      const before = ssh2Loaded();
      // what docker-modem's dial does for an ssh:// engine: require('./ssh')(options) gives the http agent
      const agent = require(SSH_TRANSPORT)({ host: '127.0.0.1', port: 1 });
      process.stdout.write(JSON.stringify({ before, after: ssh2Loaded(), agent: agent instanceof Agent }));`;
    const p = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toEqual({ before: false, after: true, agent: true });
  });
});
