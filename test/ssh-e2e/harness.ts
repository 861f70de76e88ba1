/**
 * Shared set-up for the SSH end-to-end suites: VM-like containers (reef-test/vm, test/images) configured over
 * SSH by the built CLI. Every CLI run is at --log-level debug and its whole output is kept, so a suite can
 * check at the end that no secret was ever printed, logged as an event, or written to the store.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { REEF, ROOT, type CliResult } from '../helpers/cli.js';
import { engine, requireEngine } from '../docker/engine.js';

export { ROOT };

export const VM_IMAGE = 'reef-test/vm:latest';
export const VM_PUPPET_IMAGE = 'reef-test/vm-puppet:latest';

/** The engine answers and both VM-like images exist (built once, then cached: a no-op when present). */
export async function requireVmImages(): Promise<void> {
  await requireEngine();
  execFileSync('sh', [fileURLToPath(new URL('../images/build-vm-image.sh', import.meta.url))], { stdio: 'inherit', timeout: 600_000 });
}

export interface KeyPair {
  privateKey: string;
  publicKey: string;
  privateKeyPath: string;
}

export function generateKey(dir: string): KeyPair {
  const path = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'reef-e2e', '-f', path]);
  return { privateKey: readFileSync(path, 'utf8'), publicKey: readFileSync(`${path}.pub`, 'utf8').trim(), privateKeyPath: path };
}

/** Pieces of a secret long enough to be recognisable: the whole text and each base64 line of a key body. */
export function secretFragments(secret: string): string[] {
  const lines = secret.split('\n').map((l) => l.trim()).filter((l) => l.length >= 16 && !l.startsWith('-----'));
  return [...new Set([secret.trim(), ...lines])];
}

export interface Run extends CliResult {
  args: string[];
}

export class Session {
  private made?: string;
  /** made on first use, so a suite filtered out (vitest -t) leaves no temp dir behind */
  get dir(): string {
    return (this.made ??= mkdtempSync(join(tmpdir(), 'reef-ssh-e2e-')));
  }
  get state(): string {
    return join(this.dir, 'state.db');
  }
  /** every CLI run's output, for the secrets check */
  readonly runs: Run[] = [];

  /** `reef --state S --log-level debug ARGS` in `cwd`, bounded by `timeoutMs`. */
  cli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
    const full = ['--state', this.state, '--log-level', 'debug', ...args];
    const child = spawn(process.execPath, [REEF, ...full], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 360_000);
    return new Promise((resolve) => {
      child.on('close', (code) => {
        clearTimeout(timer);
        const run = { args: full, code: code ?? -1, stdout, stderr };
        this.runs.push(run);
        resolve(run);
      });
    });
  }

  /** Writes NAME into the session dir: `edit` changes the parsed YAML document (anchors and comments survive). */
  writeYaml(name: string, source: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
    const doc = parseDocument(readFileSync(source, 'utf8'));
    edit(doc);
    const path = join(this.dir, name);
    writeFileSync(path, doc.toString());
    return path;
  }

  writeText(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  }

  /** The store's bytes (state.db, its WAL, the ssh pool file): secrets must not be in any of them. */
  storeBytes(): string {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.db') || f.endsWith('-wal') || f.endsWith('-shm') || f.endsWith('-journal'))
      .map((f) => readFileSync(join(this.dir, f)).toString('latin1'))
      .join('\n');
  }

  cleanup(): void {
    if (this.made && existsSync(this.made)) rmSync(this.made, { recursive: true, force: true });
  }
}

/** Where `secret` shows up among the runs' output, the given texts and the store, or [] when nowhere. */
export function leaksOf(session: Session, secrets: string[], extra: Record<string, string> = {}): string[] {
  const places: Record<string, string> = { store: session.storeBytes(), ...extra };
  session.runs.forEach((r, i) => {
    places[`run ${i} (${r.args.slice(4).join(' ')}) stdout`] = r.stdout;
    places[`run ${i} (${r.args.slice(4).join(' ')}) stderr`] = r.stderr;
  });
  const found: string[] = [];
  for (const [where, text] of Object.entries(places)) {
    for (const s of secrets.flatMap(secretFragments)) if (text.includes(s)) found.push(`${where}: ${s.slice(0, 12)}…`);
  }
  return found;
}

/** GET http://ADDRESS/ from the test process (containers this suite created), bounded. */
export async function httpText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

export { engine };
