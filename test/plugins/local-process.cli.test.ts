/** `reef --config …/reef.yaml` loads the example plugin: its resources validate like built-ins' and deploy as processes. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, reef } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples/plugins/local-process');
const dir = mkdtempSync(join(tmpdir(), 'reef-plugin-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = ['--state', join(dir, 'state.db'), '--config', join(EXAMPLE, 'reef.yaml')];
/** the instances that have a live process (its environment names the instance), read from /proc */
const workers = (ids: string[]) => {
  const envs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      return '';
    }
  });
  return ids.filter((id) => envs.some((env) => env.split('\0').includes(`REEF_INSTANCE=${id}`)));
};

describe('the local-process example plugin through the CLI', () => {
  it('applies, runs one process per instance, and destroys them', () => {
    const applied = reef(dir, [...base, 'apply', join(EXAMPLE, 'infra.yaml'), '--nodes', join(EXAMPLE, 'nodes.yaml'), '--wait', '--timeout', '60']);
    expect(applied.stderr + applied.stdout).toContain('local-workers: ready');
    expect(applied.code).toBe(0);
    const status = reef(dir, [...base, '-o', 'json', 'status', 'local-workers']);
    const ids = Object.keys(JSON.parse(status.stdout).worker.instances);
    expect(ids).toHaveLength(2);
    expect(workers(ids)).toEqual(ids);

    const destroyed = reef(dir, [...base, 'destroy', 'local-workers', '--wait', '--timeout', '60']);
    expect(destroyed.code).toBe(0);
    expect(workers(ids)).toEqual([]);
  });

  it("validates the plugin's resource sections with its schema (exit 2, file:line, field)", () => {
    const nodes = join(dir, 'bad-nodes.yaml');
    writeFileSync(nodes, "'node_def:local_worker':\n  - resource:\n      type: process\n      comand: [ sleep, '1' ]\n");
    const r = reef(dir, [...base, 'validate', join(EXAMPLE, 'infra.yaml'), '--nodes', nodes]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-nodes\.yaml:\d+:\d+: .*comand/);
    expect(r.stderr).toMatch(/command/);
  });

  it('says in one line when a plugin cannot be found (exit 2)', () => {
    const r = reef(dir, ['--state', join(dir, 'state.db'), '--plugin', './no-such-plugin.js', 'validate', join(EXAMPLE, 'infra.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('plugin "./no-such-plugin.js"');
  });
});
