import type { CallContext } from '../driver.js';
import { FatalError } from '../errors.js';

export const TAIL_LINES = 20;

/** Logs every output line at info and keeps the last TAIL_LINES for an error message. (ctx.log already names the instance.) */
export function outputRecorder(ctx: CallContext, fields: { step: string }) {
  const tail: string[] = [];
  return {
    line(line: string, stream: 'stdout' | 'stderr') {
      ctx.log.info({ ...fields, stream }, line);
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    },
    tail: () => [...tail],
  };
}

export function configFailed(what: string, exit: string, tail: string[]): FatalError {
  const shown = tail.length ? `; last ${tail.length} output lines:\n${tail.join('\n')}` : ' without output';
  return new FatalError('REEF_CONFIG_FAILED', `${what} ${exit}${shown}`);
}

/** POSIX single-quote quoting for values put into a remote shell command. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
