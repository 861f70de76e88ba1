/**
 * Is the SQLite file reef opened still the one at its path, and still writable? SQLite keeps writing to a file
 * that was deleted (or replaced) under it, and every such write is lost at the next start; a file made read-only
 * (chattr +i, a read-only remount) fails mid-transaction. Checked before and after every write transaction
 * (a stat and an access: microseconds) and by the health check.
 */
import { accessSync, constants, statSync } from 'node:fs';

export interface FileIdentity {
  dev: number;
  ino: number;
}

export type StoreProblemCode = 'REEF_STATE_GONE' | 'REEF_STATE_READONLY';

export interface StoreProblem {
  code: StoreProblemCode | 'REEF_STATE_WRITE';
  message: string;
}

const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

export function identityOf(path: string): FileIdentity {
  const st = statSync(path);
  return { dev: st.dev, ino: st.ino };
}

/** What is wrong with the store file at `path`, opened as `identity`; undefined when nothing is. */
export function fileProblem(path: string, identity: FileIdentity): StoreProblem | undefined {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { code: 'REEF_STATE_GONE', message: `state store ${path} was deleted while reef had it open: nothing written since would survive a restart; every write is refused (restart reef on a store it can keep)` };
    }
    return { code: 'REEF_STATE_READONLY', message: `state store ${path} cannot be checked (${code ?? String(e)}): every write is refused until it can` };
  }
  if (st.ino !== identity.ino || st.dev !== identity.dev) {
    return { code: 'REEF_STATE_GONE', message: `state store ${path} was replaced by another file while reef had it open (inode ${st.ino}, opened ${identity.ino}): every write is refused (restart reef)` };
  }
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (NOT_WRITABLE.has(code)) {
      return { code: 'REEF_STATE_READONLY', message: `state store ${path} is no longer writable (${code}): every write is refused until it is` };
    }
  }
  return undefined;
}
