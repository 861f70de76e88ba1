/**
 * Review D19: the read-only commands work on a read-only store. A store written by `reef apply` is then seen
 * through a read-only bind mount (as in the review; tests run as root, for whom permission bits do not make a
 * file read-only). status, logs and diff read it, without creating a file there; a write command fails with a
 * message that names only commands and options that exist.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reef } from '../helpers/cli.js';

const NODES = "'node_def:sec_ro':\n  - resource: {type: dummy}\n";
const INFRA = 'infra_name: sec-ro\nnodes:\n  - name: a\n    type: sec_ro\n    scaling: {min: 2, max: 4}\n';

describe('D19: a read-only store', () => {
  let dir = '';
  let mounted = false;
  const rw = () => join(dir, 'rw');
  const ro = () => join(dir, 'ro');
  const onRo = (args: string[]) => reef(dir, ['--state', join(ro(), 'state.db'), ...args]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'reef-sec-ro-'));
    writeFileSync(join(dir, 'nodes.yaml'), NODES);
    writeFileSync(join(dir, 'infra.yaml'), INFRA);
    writeFileSync(join(dir, 'infra-3.yaml'), INFRA.replace('min: 2', 'min: 3'));
    const apply = reef(dir, ['--state', join(rw(), 'state.db'), 'apply', 'infra.yaml', '--nodes', 'nodes.yaml', '--wait', '--timeout', '60']);
    expect(apply.code, apply.stderr).toBe(0);
    mkdirSync(ro());
    execFileSync('mount', ['--bind', rw(), ro()]);
    mounted = true;
    execFileSync('mount', ['-o', 'remount,bind,ro', ro()]);
  }, 90_000);

  afterAll(() => {
    if (mounted) execFileSync('umount', [ro()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is really read-only here', () => {
    expect(() => writeFileSync(join(ro(), 'probe'), 'x')).toThrow(/EROFS/);
  });

  it('status, status -o json, logs and diff read it (exit 0/3), and leave no file behind', () => {
    const before = readdirSync(rw()).sort();
    const list = onRo(['status']);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('sec-ro');
    const one = onRo(['status', 'sec-ro']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/infra sec-ro: active/);
    const json = onRo(['-o', 'json', 'status', 'sec-ro']);
    expect(json.code, json.stderr).toBe(0);
    expect(Object.keys((JSON.parse(json.stdout) as { a: { instances: object } }).a.instances)).toHaveLength(2);
    const logs = onRo(['logs', 'sec-ro']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/→ ready/);
    expect(onRo(['diff', 'infra.yaml', '--nodes', 'nodes.yaml']).code).toBe(0);
    const diff = onRo(['diff', 'infra-3.yaml', '--nodes', 'nodes.yaml']);
    expect(diff.code, diff.stderr).toBe(3);
    expect(diff.stdout).toMatch(/\+ 1 instances? to create/);
    expect(readdirSync(rw()).sort()).toEqual(before);
  });

  it('a write command fails with a message naming what exists', () => {
    const scale = onRo(['scale', 'sec-ro', 'a', '--to', '3']);
    expect(scale.code).toBe(1);
    expect(scale.stderr).toMatch(/not writable/);
    expect(scale.stderr).toContain('reef status, logs and diff can still read it');
    expect(scale.stderr).not.toMatch(/open it read-only/);
  });
});
