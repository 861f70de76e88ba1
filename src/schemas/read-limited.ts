/**
 * Reads a descriptor or an imported file without trusting what the path names: opened non-blocking (a FIFO
 * cannot hang the process), refused unless it is a regular file, and refused above a size (so /dev/zero, a
 * device or a huge file cost nothing). Synchronous on purpose: the YAML loader is synchronous, and with these
 * checks a read is bounded by the size limit.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export function readRegularFile(path: string, maxBytes: number): string | { reason: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { reason: err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code ?? err.message };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { reason: 'is a directory' };
    if (!st.isFile()) return { reason: 'not a regular file' };
    if (st.size > maxBytes) return { reason: `larger than ${maxBytes} bytes` };
    const buffer = Buffer.alloc(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, buffer, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { reason: err.code === 'EISDIR' ? 'is a directory' : err.code ?? err.message };
  } finally {
    closeSync(fd);
  }
}
