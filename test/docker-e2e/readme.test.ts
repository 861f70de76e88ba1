/**
 * The docker examples' READMEs, run as a newcomer would: each line of the `sh` block from the repository root.
 * Only two things change: `npx reef` runs the built bin/reef.js (what npx resolves to) with a temp `--state`, and
 * the infra gets a unique id (`--id` on apply, the example's name replaced in later lines), so the suite never
 * touches containers it did not create.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { containersOf, eventually, example, explain, requireEngine, ROOT, statusJson, uniqueId, workspace, type Workspace } from './e2e.js';

const EXAMPLES = ['docker-helloworld', 'docker-ping', 'docker-cluster'] as const;

/** The README's shell lines, comments dropped. */
function readmeLines(name: string): string[] {
  const text = readFileSync(example(name, 'README.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(text);
  if (!block) throw new Error(`examples/${name}/README.md has no sh block`);
  return block[1].split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

function sh(line: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', line], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const ids: string[] = [];
const spaces: Workspace[] = [];
beforeAll(requireEngine);
afterAll(async () => {
  for (const [i, ws] of spaces.entries()) await ws.cleanup([ids[i]]);
});

describe('docker example READMEs work from the repository root', () => {
  it('bash examples/docker-ping/build-images.sh succeeds (and is quick once the images exist)', () => {
    const r = spawnSync('bash', ['examples/docker-ping/build-images.sh'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(sh('docker image inspect reef-test/busybox:latest').code).toBe(0);
  });

  for (const name of EXAMPLES) {
    it(`examples/${name}/README.md`, async () => {
      const id = uniqueId(name.replace('docker-', ''));
      const ws = workspace();
      ids.push(id);
      spaces.push(ws);
      const lines = readmeLines(name);
      expect(lines.some((l) => l.startsWith('npx reef apply'))).toBe(true);
      expect(lines.at(-1)).toMatch(/^npx reef destroy /);
      for (const line of lines) {
        if (line.startsWith('npx reef ')) {
          const args = line.slice('npx reef '.length).split(/\s+/).map((a) => (a === name ? id : a));
          const r = ws.cli(args[0] === 'apply' ? [...args, '--id', id] : args);
          expect(r.code, `${line}\n${explain(r)}`).toBe(0);
          if (args[0] === 'status') expect(r.stdout).toMatch(/\d+\.\d+\.\d+\.\d+/);
        } else if (line.startsWith('examples/')) {
          const r = sh(line);
          expect(r.code, `${line}\n${r.stderr}`).toBe(0);
        } else if (line.startsWith('docker ')) {
          const command = line.replace(/docker logs -f /, 'docker logs ').replaceAll(`reef.infra=${name}`, `reef.infra=${id}`);
          // a log line needs a moment after the container starts (the sender's first round, a worker's first poll)
          const out = await eventually(line, async () => {
            const r = sh(command);
            expect(r.code, `${command}\n${r.stderr}`).toBe(0);
            return (r.stdout + r.stderr).trim() ? r.stdout + r.stderr : undefined;
          }, 12_000, 300);
          if (line.startsWith('docker logs') && name === 'docker-ping') expect(out).toMatch(/ping \S+: ok, message: Hello World!/);
          if (line.startsWith('docker logs') && name === 'docker-cluster') expect(out).toMatch(/worker \S+: head of reef-demo at/);
          if (line.startsWith('docker ps')) expect(out).toContain(`reef-${id}-`);
        } else if (line.startsWith('wget ')) {
          const [instance] = Object.values(statusJson(ws, id).helloworld.instances);
          const body = await (await fetch(`http://${instance.resource_address}/`)).text();
          expect(body).toMatch(/^Hello World! I'm alive\. \(instance helloworld-\S+\)/);
        } else {
          throw new Error(`README line this suite does not know how to run: ${line}`);
        }
      }
      expect(await containersOf(id)).toEqual([]);
    });
  }
});
