/**
 * A private OpenSSH server for tests: key-only, on 127.0.0.1 (and any extra loopback addresses asked for), a
 * free port, generated ed25519 host and client keys in a temp dir. Needs Debian's openssh-server
 * (scripts/ensure-sshd-tools.sh) and root (it logs in as root with the generated key).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** OpenSSH-format ed25519 client key, authorised for `user`. */
  privateKey: string;
  privateKeyPath: string;
  /** "SHA256:..." of the server's host key, as `ssh-keygen -l` prints it. */
  hostKeyFingerprint: string;
  dir: string;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'reef-test', '-f', file]);
}

function fingerprint(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile]).toString().split(' ')[1];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Bounded wait for a condition a daemonising process establishes (no event to wait on across processes). */
async function waitFor(what: string, cond: () => boolean, limitMs = 5000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`test sshd: ${what} did not happen within ${limitMs} ms`);
}

export async function startTestSshd(opts: { extraListen?: string[] } = {}): Promise<TestSshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: run scripts/ensure-sshd-tools.sh`);
  const dir = mkdtempSync(join(tmpdir(), 'reef-sshd-'));
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  execFileSync('mkdir', ['-p', '/run/sshd']);
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  const log = join(dir, 'sshd.log');
  const pidFile = join(dir, 'sshd.pid');
  const listen = ['127.0.0.1', ...(opts.extraListen ?? [])].map((a) => `ListenAddress ${a}`);
  writeFileSync(
    config,
    [
      `Port ${port}`,
      ...listen,
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  execFileSync(SSHD, ['-t', '-f', config]);
  execFileSync(SSHD, ['-f', config, '-E', log]); // daemonises; the parent returns at once
  await waitFor('PidFile and listening socket', () =>
    existsSync(pidFile) && existsSync(log) && readFileSync(log, 'utf8').includes(`port ${port}`),
  );
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  // Never leave a daemon holding a port if the test process dies without calling stop().
  const killOnExit = () => isAlive(pid) && process.kill(pid, 'SIGTERM');
  process.once('exit', killOnExit);

  return {
    host: '127.0.0.1',
    port,
    user: 'root',
    privateKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    privateKeyPath: join(dir, 'client_key'),
    hostKeyFingerprint: fingerprint(join(dir, 'host_key.pub')),
    dir,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (isAlive(pid)) process.kill(pid, 'SIGTERM');
      await waitFor('sshd exit', () => !isAlive(pid));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
