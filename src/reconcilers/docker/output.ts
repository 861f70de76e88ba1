/**
 * The last words of a container that exited with an error, for the failure reason: reef replaces a failed
 * container (removing it), so without this its output — usually the actual cause — would be lost to the user.
 */

const MAX_LINES = 3;
const MAX_CHARS = 300;

/**
 * Docker's log stream without a TTY is multiplexed: frames of [stream(1) 0 0 0 size(4, big-endian)] + payload.
 * A TTY container's log is plain text. Anything that does not parse as frames is read as plain text.
 */
export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const stream = buf[offset];
    if (stream > 2 || buf[offset + 1] !== 0 || buf[offset + 2] !== 0 || buf[offset + 3] !== 0) return buf.toString('utf8');
    const size = buf.readUInt32BE(offset + 4);
    if (offset + 8 + size > buf.length) return buf.toString('utf8');
    parts.push(buf.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === buf.length ? Buffer.concat(parts).toString('utf8') : buf.toString('utf8');
}

/** The last few non-empty lines on one line (`a | b | c`), at most MAX_CHARS characters (the end kept). */
export function lastWords(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-MAX_LINES);
  const joined = lines.join(' | ');
  return joined.length <= MAX_CHARS ? joined : `…${joined.slice(joined.length - MAX_CHARS + 1)}`;
}

/**
 * Whether an exit deserves its output in the reason: a program that failed on its own, not one killed by a signal
 * (exit codes above 128: `docker kill`, stop) or by the OOM killer, whose output says nothing about why.
 */
export function isOwnFailure(exitCode: number | undefined, oomKilled: boolean | undefined): boolean {
  return exitCode !== undefined && exitCode !== 0 && exitCode < 128 && !oomKilled;
}
