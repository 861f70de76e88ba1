/**
 * `reef serve --catalog DIR --auth FILE` as a subprocess: the operator's entries and named targets over the API,
 * `reef --server URL deploy` through it, and a start refused when two targets share a name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { reef, REEF, ROOT } from '../helpers/cli.js';

let dir: string;
let proc: ChildProcess | undefined;
let url: string;

function serve(args: string[]): Promise<string> {
  proc = spawn(process.execPath, [REEF, 'serve', '--port', '0', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reef serve did not start: ${err}`)), 30_000);
    proc!.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`reef serve exited ${code}: ${err}`)); });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reef-serve-catalog-'));
  cpSync(join(ROOT, 'examples/dummy-cluster'), join(dir, 'own/lab-cluster'), { recursive: true });
  writeFileSync(join(dir, 'own/lab-cluster/catalog.yaml'), 'title: Lab cluster\ndescription: the lab\'s own\ninfra: infra.yaml\nclouds:\n  dummy:\n    nodes: nodes.yaml\nvariables:\n  workers: { type: integer, default: 3, min: 3, max: 10, scales: worker }\n');
  writeFileSync(join(dir, 'auth.yaml'), 'resource:\n  - type: ec2\n    name: lab-ec2\n    endpoint: http://127.0.0.1:9\n    auth_data: { accessKeyId: AKIDEXAMPLE, secretAccessKey: wJalrXUtnFEMIEXAMPLE }\n', { mode: 0o600 });
  url = await serve(['--catalog', 'own', '--auth', 'auth.yaml']);
}, 60_000);
afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('reef serve with an operator catalog and auth file', () => {
  it('offers the entries and the named targets, and reef --server deploy goes through them', async () => {
    const token = readFileSync(join(dir, '.reef/api-token'), 'utf8').trim();
    const res = await fetch(`${url}/v1/catalog`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.targets).toContainEqual({ name: 'lab-ec2', cloud: 'ec2' });
    expect(body.targets).toContainEqual({ name: 'dummy', cloud: 'dummy' });
    expect(body.entries.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['lab-cluster', 'autodock-vina']));
    for (const secret of ['wJalrXUtnFEMIEXAMPLE', 'auth.yaml', dir]) expect(text).not.toContain(secret);

    const bad = reef(dir, ['--server', url, 'deploy', 'lab-cluster', '--cloud', 'dummy', '--set', 'workers=11']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<request body>: lab-cluster: workers must be at most 10, got "11" (field variables.workers)');
    const ok = reef(dir, ['--server', url, 'deploy', 'lab-cluster', '--cloud', 'dummy', '--set', 'workers=4', '--id', 'lab-1', '--wait', '--timeout', '60']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/lab-1: ready/);
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('lab-1');
    expect(reef(dir, ['--server', url, 'destroy', 'lab-1', '--wait']).code).toBe(0);
  }, 120_000);

  it('refuses to start when two deploy targets share a name', async () => {
    writeFileSync(join(dir, 'auth2.yaml'), 'resource:\n  - type: docker\n    name: dummy\n    auth_data: {}\n', { mode: 0o600 });
    const r = reef(dir, ['--state', join(dir, 'other.db'), 'serve', '--port', '0', '--auth', 'auth2.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('deploy target "dummy" is named twice');
  }, 60_000);
});
