/**
 * The one boundary where what a cloud says enters reef: every driver the registry hands out (built-in or plugin)
 * is wrapped here, so its errors, failure reasons and probe details are masked (the call's credentials, every
 * credential the process knows, token/signature fields) and bounded (CLOUD_TEXT_MAX) before the engine logs,
 * stores or prints them. A driver cannot forget to do it.
 */
import { asReefError, type ReefError } from '../errors/index.js';
import { rememberCredentials, scrubWithKnown } from '../util/known-secrets.js';
import type { Driver, Observation, Probe } from './driver.js';

const MAX_CAUSES = 5;

/** The error as reef keeps it: a ReefError (kind, code, retry hint kept) whose message and causes are scrubbed. */
export function scrubDriverError(e: unknown, secrets: readonly string[] = []): ReefError {
  const err = asReefError(e);
  err.message = scrubWithKnown(err.message, secrets);
  // the causes (an SDK error with the raw response, headers, body) would be logged by pino's err serializer:
  // keep only their names and scrubbed messages
  err.stack = `${err.name}: ${err.message}`;
  let cause: unknown = (err as { cause?: unknown }).cause;
  let depth = 0;
  let chain: Error | undefined;
  let head: Error | undefined;
  while (cause !== undefined && depth < MAX_CAUSES) {
    const text = cause instanceof Error ? cause.message : String(cause);
    const safe = new Error(scrubWithKnown(text, secrets));
    safe.name = cause instanceof Error ? cause.name : 'Error';
    safe.stack = `${safe.name}: ${safe.message}`;
    if (chain) Object.defineProperty(chain, 'cause', { value: safe, configurable: true, writable: true });
    else head = safe;
    chain = safe;
    cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
    depth++;
  }
  Object.defineProperty(err, 'cause', { value: head, configurable: true, writable: true, enumerable: false });
  return err;
}

function scrubObservation(o: Observation, secrets: readonly string[]): Observation {
  return o.exists && o.reason !== undefined ? { ...o, reason: scrubWithKnown(o.reason, secrets) } : o;
}

function scrubProbe(p: Probe, secrets: readonly string[]): Probe {
  return { ...p, detail: scrubWithKnown(p.detail, secrets) };
}

function credentialsOf(args: unknown[]): string[] {
  const req = args[0] as { credentials?: Record<string, unknown> } | undefined;
  const creds = typeof req === 'object' && req !== null ? req.credentials : undefined;
  return rememberCredentials(creds);
}

export function scrubbedDriver<D extends Driver>(driver: D): D {
  return new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => unknown;
      switch (prop) {
        case 'create': case 'destroy': case 'list': case 'checkHealth':
          return async (...args: unknown[]) => {
            const secrets = credentialsOf(args);
            try {
              const out = await fn.apply(target, args);
              if (prop === 'list') return (out as Observation[]).map((o) => scrubObservation(o, secrets));
              if (prop === 'checkHealth') return (out as Probe[]).map((p) => scrubProbe(p, secrets));
              return out;
            } catch (e) {
              throw scrubDriverError(e, secrets);
            }
          };
        case 'watch':
          return (...args: unknown[]) => {
            const secrets = credentialsOf(args);
            const req = args[0] as { onChange(o: Observation): void };
            const wrapped = { ...req, onChange: (o: Observation) => req.onChange(scrubObservation(o, secrets)) };
            return fn.apply(target, [wrapped, ...args.slice(1)]);
          };
        default:
          return fn.bind(target);
      }
    },
  });
}


