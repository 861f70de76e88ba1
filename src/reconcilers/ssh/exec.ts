import type { ClientChannel } from 'ssh2';
import type { CallContext } from '../driver.js';
import { TransientError } from '../errors.js';
import { classifySshError } from './classify.js';
import { describeTarget, withSshSession, type SshSession } from './connect.js';
import { boundedText, lineSplitter } from './line-splitter.js';
import type { SshTarget } from './types.js';

export interface SshExecOptions {
  stdin?: string | Buffer;
  /** every complete output line, as it arrives. */
  onOutput?(line: string, stream: 'stdout' | 'stderr'): void;
  /** wall-clock bound for the command; none by default (ctx.signal still applies). */
  timeoutMs?: number;
}

export interface SshExecResult {
  /** the remote exit code; -1 when the command was killed by a signal (see `signal`). */
  code: number;
  signal?: string;
  /** the last 1 MiB of each stream. */
  stdout: string;
  stderr: string;
  hostKeyFingerprint: string;
}

function runOnSession(session: SshSession, command: string, where: string, ctx: CallContext, opts: SshExecOptions) {
  return new Promise<SshExecResult>((resolve, reject) => {
    session.client.exec(command, (err, channel: ClientChannel) => {
      if (err) return reject(classifySshError(err, where));
      const out = boundedText();
      const errText = boundedText();
      const outLines = lineSplitter((l) => opts.onOutput?.(l, 'stdout'));
      const errLines = lineSplitter((l) => opts.onOutput?.(l, 'stderr'));
      let code: number | null = null;
      let signal: string | undefined;
      const cleanup = () => {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
      };
      // Without a pty the remote command outlives a closed channel. Ask sshd to kill it first: OpenSSH >= 7.9 does
      // for ordinary users, but refuses for root logins ("session signalling requires privilege separation").
      const stop = () => {
        channel.signal('KILL');
        channel.destroy();
      };
      const onAbort = () => {
        cleanup();
        stop();
        reject(ctx.signal.reason);
      };
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            cleanup();
            stop();
            reject(new TransientError('REEF_SSH_TIMEOUT', `SSH to ${where}: command did not finish within ${opts.timeoutMs} ms`));
          }, opts.timeoutMs)
        : undefined;
      if (ctx.signal.aborted) return onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      channel.on('data', (d: Buffer) => {
        out.add(d.toString());
        outLines.push(d.toString());
      });
      channel.stderr.on('data', (d: Buffer) => {
        errText.add(d.toString());
        errLines.push(d.toString());
      });
      channel.on('exit', (c: number | null, sig?: string) => {
        code = c;
        signal = sig ?? undefined;
      });
      channel.on('close', () => {
        cleanup();
        outLines.flush();
        errLines.flush();
        resolve({ code: code ?? -1, signal, stdout: out.text(), stderr: errText.text(), hostKeyFingerprint: session.fingerprint });
      });
      if (opts.stdin !== undefined) channel.end(opts.stdin);
      else channel.end();
    });
  });
}

/**
 * Runs one command on a fresh connection and returns its exit code and output; a non-zero exit is a result,
 * not an error. Throws ReefError for connection problems (see classify.ts) and ctx.signal's reason on abort.
 */
export function sshExec(target: SshTarget, command: string, ctx: CallContext, opts: SshExecOptions = {}): Promise<SshExecResult> {
  const where = describeTarget(target);
  return withSshSession(target, ctx, (session) => runOnSession(session, command, where, ctx, opts));
}
