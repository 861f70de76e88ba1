/**
 * Finds out *which* name was undefined when nunjucks says "attempted to output null or undefined value".
 * Rendering is synchronous, so the render in progress is kept in a module variable while it runs:
 * - top-level names: nunjucks asks `name in env.globals` for every name missing from its frames; a Proxy
 *   on the globals notes the ones the scope does not have;
 * - members (`variables.a.b`): the scope's plain objects are wrapped in Proxies that note missing keys.
 * The last name noted before the error is the one reported. Functions are wrapped to keep the error they throw
 * (nunjucks replaces it by its own).
 */
import type nunjucks from 'nunjucks';
import type { TemplateScope } from './template.js';

export interface RenderRecorder {
  missing?: string;
  /** the keys that did exist where the last segment of `missing` was looked up (for "did you mean"). */
  siblings?: string[];
  thrown?: Error;
}

let current: { scope: object; recorder: RenderRecorder } | undefined;

export function trackMissing(env: nunjucks.Environment): void {
  const holder = env as unknown as { globals: Record<string, unknown> };
  holder.globals = new Proxy(holder.globals, {
    has(target, name) {
      if (current !== undefined && typeof name === 'string' && !(name in current.scope)) {
        current.recorder.missing = name;
        current.recorder.siblings = Object.keys(current.scope);
      }
      return Reflect.has(target, name);
    },
  });
}

export function withRecorder<T>(scope: TemplateScope, run: (recorder: RenderRecorder, context: object) => T): T {
  const recorder: RenderRecorder = {};
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(scope)) {
    context[key] = typeof value === 'function' ? keepThrown(value as (...a: unknown[]) => unknown, recorder) : watch(value, key, recorder);
  }
  const previous = current;
  current = { scope: context, recorder };
  try {
    return run(recorder, context);
  } finally {
    current = previous;
  }
}

function keepThrown(fn: (...a: unknown[]) => unknown, recorder: RenderRecorder): (...a: unknown[]) => unknown {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      recorder.thrown = e instanceof Error ? e : new Error(String(e));
      throw e;
    }
  };
}

function watch(value: unknown, path: string, recorder: RenderRecorder): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string') return v;
      if (v === undefined && !(prop in target)) {
        recorder.missing = `${path}.${prop}`;
        recorder.siblings = Object.keys(target);
        return undefined;
      }
      return Object.prototype.hasOwnProperty.call(target, prop) ? watch(v, `${path}.${prop}`, recorder) : v;
    },
  });
}
