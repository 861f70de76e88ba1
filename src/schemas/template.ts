/**
 * Jinja2-compatible templates (nunjucks), as Occopus renders cloud-init, docker env/command, resource sections and
 * health-check urls. Differences from Occopus, on purpose:
 * - an unknown variable or node is an error (`unknown variable "variables.x"`), never an empty string;
 * - `cmd()` is not offered: it ran a command on the Occopus host while rendering;
 * - `getip()` of a node without an address yet throws a TransientError (REEF_TEMPLATE_NOT_READY), so the
 *   controller retries instead of failing the instance.
 * nunjucks has no `s[a:b]` slices: use `cut(s, a, b)`, as in Occopus.
 */
import nunjucks from 'nunjucks';
import { FatalError, TransientError } from '../reconcilers/errors.js';
import type { InfraSpec, NodeSpec, Variables } from '../spec/types.js';
import { closest, didYouMean } from './did-you-mean.js';
import { trackMissing, withRecorder, type RenderRecorder } from './template-recorder.js';
import { guardMemberLookup } from './template-guard.js';

export interface TemplateScope {
  variables: Variables;
  infra_id: string;
  infra_name: string;
  /** the node's name. */
  name: string;
  /** the instance id (absent before one exists: a template using it then fails). */
  node_id?: string;
  /** the instance's own address (health-check urls). */
  ip?: string;
  user_id?: string;
  getip(node: string): string;
  getprivip(node: string): string;
  getipall(node: string): string[];
  cut(s: string, start?: number, end?: number): string;
}

export interface TemplateScopeInput {
  spec: InfraSpec;
  node: NodeSpec;
  instanceId?: string;
  ip?: string;
  /** every instance of `node` (any order the caller keeps stable), with whatever addresses it has so far. */
  addressesOf(node: string): Array<{ ip?: string; privateIp?: string }>;
}

/** A template that cannot be rendered: syntax error, unknown variable or unknown node. */
export class TemplateError extends FatalError {
  /** 1-based position inside the template, when nunjucks knows it. */
  readonly templateLine?: number;
  readonly templateCol?: number;

  constructor(message: string, where: { line?: number; col?: number; cause?: unknown } = {}) {
    super('REEF_TEMPLATE_INVALID', message, { cause: where.cause });
    this.templateLine = where.line;
    this.templateCol = where.col;
  }
}

export function makeTemplateScope(input: TemplateScopeInput): TemplateScope {
  const { spec, node } = input;
  const names = spec.nodes.map((n) => n.name);
  const addresses = (fn: string, target: unknown): Array<{ ip?: string; privateIp?: string }> => {
    if (typeof target !== 'string' || !names.includes(target)) {
      const shown = typeof target === 'string' ? `"${target}"` : String(target);
      throw new TemplateError(`unknown node ${shown} in ${fn}()${typeof target === 'string' ? didYouMean(target, names) : ''}`);
    }
    return input.addressesOf(target);
  };
  const notReady = (fn: string, target: string): TransientError =>
    new TransientError('REEF_TEMPLATE_NOT_READY', `${fn}("${target}"): node "${target}" has no address yet`);
  const scope: TemplateScope = {
    variables: node.variables,
    infra_id: spec.id,
    infra_name: spec.name,
    name: node.name,
    getip(target) {
      const found = addresses('getip', target).find((a) => a.ip !== undefined);
      if (found?.ip === undefined) throw notReady('getip', target);
      return found.ip;
    },
    // A driver that knows only one address (docker) reports it as `ip`: that is then the private one too.
    getprivip(target) {
      const found = addresses('getprivip', target).find((a) => (a.privateIp ?? a.ip) !== undefined);
      const ip = found?.privateIp ?? found?.ip;
      if (ip === undefined) throw notReady('getprivip', target);
      return ip;
    },
    getipall(target) {
      const all = addresses('getipall', target);
      if (all.some((a) => a.ip === undefined)) throw notReady('getipall', target);
      return pythonList(all.map((a) => a.ip!));
    },
    cut: pythonSlice,
  };
  if (input.instanceId !== undefined) scope.node_id = input.instanceId;
  if (input.ip !== undefined) scope.ip = input.ip;
  if (spec.userId !== undefined) scope.user_id = spec.userId;
  return scope;
}

/** `s[start:end]` with Python's rules (negative indexes count from the end). */
export function pythonSlice(s: string, start?: number, end?: number): string {
  const text = String(s);
  const clamp = (i: number | undefined, fallback: number): number => {
    if (i === undefined || i === null) return fallback;
    const n = Math.trunc(Number(i));
    return n < 0 ? Math.max(0, text.length + n) : Math.min(n, text.length);
  };
  const from = clamp(start, 0);
  const to = clamp(end, text.length);
  return to > from ? text.slice(from, to) : '';
}

/** An array that prints like Jinja2 prints a Python list: `['10.0.0.1', '10.0.0.2']`. */
function pythonList(items: string[]): string[] {
  Object.defineProperty(items, 'toString', { value: () => `[${items.map((i) => `'${i}'`).join(', ')}]`, enumerable: false });
  return items;
}

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
env.addFilter('b64encode', (value: unknown) => Buffer.from(String(value), 'utf8').toString('base64'));
trackMissing(env);
guardMemberLookup(); // no way from a template to Function (see template-guard.ts)

const MAX_CACHED = 1000;
const cache = new Map<string, nunjucks.Template>();

/** True when the string has template syntax at all; other strings are returned unchanged, fast. */
export function isTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

/** Renders one template. Throws TemplateError, or the TransientError of a getip() whose node is not ready. */
export function renderTemplate(template: string, scope: TemplateScope): string {
  if (!isTemplate(template)) return template;
  let compiled = cache.get(template);
  if (compiled === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    compiled = new nunjucks.Template(template, env, undefined, false);
    cache.set(template, compiled);
  }
  const tpl = compiled;
  return withRecorder(scope, (recorder, context) => {
    try {
      return tpl.render(context);
    } catch (e) {
      throw explain(e, recorder);
    }
  });
}

/** The syntax error of a template, if it has one (checked without rendering, so no scope is needed). */
export function templateSyntaxError(template: string): TemplateError | undefined {
  if (!isTemplate(template)) return undefined;
  try {
    new nunjucks.Template(template, env, undefined, true);
    return undefined;
  } catch (e) {
    return explain(e, {}) as TemplateError;
  }
}

/** Renders every string inside objects and arrays (keys are left alone). */
export function renderDeep<T>(value: T, scope: TemplateScope): T {
  if (typeof value === 'string') return renderTemplate(value, scope) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope)])) as T;
  }
  return value;
}

const WHERE = /^\([^)]*\)(?: \[Line (\d+), Column (\d+)\])?\n\s*(?:Error: )?([\s\S]*)$/;

function explain(e: unknown, recorder: RenderRecorder): Error {
  const raw = e instanceof Error ? e.message : String(e);
  const m = WHERE.exec(raw);
  const where = { line: m?.[1] ? Number(m[1]) : undefined, col: m?.[2] ? Number(m[2]) : undefined, cause: e };
  const thrown = recorder.thrown;
  if (thrown !== undefined) {
    if (thrown instanceof TransientError) return thrown;
    return new TemplateError(thrown.message, { ...where, cause: thrown });
  }
  const inner = (m?.[3] ?? raw).trim();
  if (inner.startsWith('attempted to output null or undefined value')) {
    const name = recorder.missing;
    if (name === undefined) return new TemplateError('undefined value in template', where);
    const dot = name.lastIndexOf('.');
    const match = closest(name.slice(dot + 1), recorder.siblings ?? []);
    const hint = match === undefined ? '' : ` (did you mean "${name.slice(0, dot + 1)}${match}"?)`;
    return new TemplateError(`unknown variable "${name}"${hint}`, where);
  }
  return new TemplateError(`template error: ${inner}`, where);
}
