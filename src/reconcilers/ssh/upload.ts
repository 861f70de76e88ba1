import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { CallContext } from '../driver.js';
import { FatalError } from '../errors.js';
import { classifySshError } from './classify.js';
import { describeTarget, withSshSession } from './connect.js';
import type { SshTarget } from './types.js';

export interface UploadFile {
  /** absolute path on the remote machine; parent folders are created. */
  path: string;
  content: string | Buffer;
  /** e.g. 0o755; default 0o644. Applied on every upload, so a re-run fixes a changed mode. */
  mode?: number;
}

function openSftp(session: { client: import('ssh2').Client }, where: string): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    session.client.sftp((err, sftp) => (err ? reject(classifySshError(err, where)) : resolve(sftp)));
  });
}

function call(fn: (cb: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

/** mkdir -p over SFTP: creating an existing folder fails harmlessly; a real problem surfaces at the write. */
async function ensureDir(sftp: SFTPWrapper, dir: string): Promise<void> {
  const parts = dir.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    await call((cb) => sftp.mkdir('/' + parts.slice(0, i).join('/'), cb)).catch(() => undefined);
  }
}

/** Writes files over SFTP on one connection. Idempotent: files are overwritten, modes re-applied. */
export async function sshUpload(target: SshTarget, files: UploadFile[], ctx: CallContext): Promise<void> {
  const where = describeTarget(target);
  for (const f of files) {
    if (!posix.isAbsolute(f.path)) throw new FatalError('REEF_SSH_UPLOAD_PATH', `upload to ${where}: path must be absolute: ${f.path}`);
  }
  await withSshSession(target, ctx, async (session) => {
    const sftp = await openSftp(session, where);
    try {
      for (const f of files) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const mode = f.mode ?? 0o644;
        try {
          await ensureDir(sftp, posix.dirname(f.path));
          await call((cb) => sftp.writeFile(f.path, f.content, { mode }, cb));
          await call((cb) => sftp.chmod(f.path, mode, cb));
        } catch (err) {
          // SFTP status errors carry a numeric code (permission denied, no such file): fatal. Anything else is the
          // connection failing underneath us and is classified like any SSH error.
          if (typeof (err as { code?: unknown }).code !== 'number') throw classifySshError(err, where);
          throw new FatalError('REEF_SSH_UPLOAD_FAILED', `upload of ${f.path} to ${where} failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
      }
    } finally {
      sftp.end();
    }
  });
}
