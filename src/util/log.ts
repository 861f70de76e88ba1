import { pino, type Logger, type LoggerOptions } from 'pino';
import { maskKnown, scrubWithKnown } from './known-secrets.js';

export type { Logger };

/** Paths that may hold secrets from the auth file; pino replaces them before anything is written. */
export const REDACT_PATHS = [
  'auth_data', '*.auth_data', '*.*.auth_data',
  'credentials', '*.credentials', '*.*.credentials',
  'secretkey', '*.secretkey', 'accesskey', '*.accesskey',
  'password', '*.password', 'pass', '*.pass', 'private_key', '*.private_key', 'token', '*.token',
  'session_token', '*.session_token', 'secret', '*.secret', 'application_credential_secret', '*.application_credential_secret',
  'authorization', '*.authorization', '*.headers.authorization', '*.headers["x-auth-token"]', '*.headers["x-amz-security-token"]',
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
    // the last net: every line, whoever wrote it, with known credential values and token/signature fields masked
    hooks: { streamWrite: maskKnown },
    serializers: { err: safeErr },
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

const STACK_MAX = 4096;

/**
 * pino's error serializer, bounded: the message (with its causes') masked, on one line and cut like any cloud
 * text, the stack masked and cut, and only plain fields kept (an SDK error's raw response, headers and body are not).
 */
function safeErr(e: unknown): unknown {
  if (typeof e !== 'object' || e === null) return typeof e === 'string' ? scrubWithKnown(e) : e;
  // a driver may log a plain {code, message} as err: bounded the same way
  const raw = (e instanceof Error ? pino.stdSerializers.err(e) : e) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'message' && typeof value === 'string') out.message = scrubWithKnown(value);
    else if (key === 'stack' && typeof value === 'string') out.stack = maskKnown(value.slice(0, STACK_MAX));
    else if (typeof value === 'string') out[key] = scrubWithKnown(value);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const LEVELS: ReadonlySet<string> = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const noop = () => {};

/**
 * `parent.child(bindings)`, made on the first line it actually writes. pino builds a child's bindings (through
 * the redaction) at once; an instance's call context carries a logger that most calls never write to, and at
 * 100,000 instances making one per create was a tenth of a replica's allocations. A call at a level the parent
 * does not write costs nothing.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let real: Logger | undefined;
  return new Proxy({} as Logger, {
    get(_target, prop) {
      if (!real && typeof prop === 'string' && LEVELS.has(prop) && !parent.isLevelEnabled(prop)) return noop;
      real ??= parent.child(bindings);
      const value: unknown = Reflect.get(real, prop, real);
      return typeof value === 'function' ? value.bind(real) : value;
    },
  });
}
