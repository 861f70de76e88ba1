import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths that may hold secrets from the auth file; pino replaces them before anything is written. */
export const REDACT_PATHS = [
  'auth_data', '*.auth_data', '*.*.auth_data',
  'credentials', '*.credentials', '*.*.credentials',
  'secretkey', '*.secretkey', 'accesskey', '*.accesskey',
  'password', '*.password', 'pass', '*.pass', 'private_key', '*.private_key', 'token', '*.token',
];

export interface LogOptions {
  level?: string;
  /** pretty output for a terminal; JSON lines otherwise. */
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const base: LoggerOptions = {
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  };
  if (opts.pretty) {
    const transport = pino.transport({
      target: 'pino-pretty',
      options: {
        colorize: !process.env.NO_COLOR,
        translateTime: 'HH:MM:ss.l',
        destination: 2,
        singleLine: true,
        // one line per decision: who, then what; the structured fields stay in the JSON form
        messageFormat: '{if infra}{infra} {end}{if instance}{instance} {end}{msg}',
        ignore: 'pid,hostname,infra,node,instance,from,to,action,count,reason,driver,durationMs,endpoint,attempt',
      },
    });
    return pino(base, transport);
  }
  // synchronous: a final table printed on stdout must come after every log line, not interleave with a buffer
  return opts.destination ? pino(base, opts.destination as never) : pino(base, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
