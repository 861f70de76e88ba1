/**
 * Jinja2-compatible templates, as Occopus renders cloud-init, docker env/command, resource sections and
 * health-check urls. nunjucks parses them; reef's own evaluator (template-eval.ts) runs them, so a template can
 * only read the documented scope and call the documented functions and filters — it cannot reach JavaScript
 * (prototypes, constructors, the process), and every render is bounded (template-limits.ts).
 * Differences from Occopus, on purpose:
 * - an unknown variable or node is an error (`unknown variable "variables.x"`), never an empty string;
 * - `cmd()` is not offered: it ran a command on the Occopus host while rendering;
 * - `getip()` of a node without an address yet throws a TransientError (REEF_TEMPLATE_NOT_READY), so the
 *   controller retries instead of failing the instance;
 * - macros, include/extends/import, cycler() and joiner() are not available.
 * nunjucks has no `s[a:b]` slices: use `cut(s, a, b)`, as in Occopus.
 */
import { FatalError, TransientError } from '../errors/index.js';
import type { InfraSpec, NodeSpec, Variables } from '../spec/types.js';
import { closest, didYouMean } from './did-you-mean.js';
import { EvalError, evaluate, parseTemplate, type TNode } from './template-eval.js';
import { Budget, type TemplateLimits } from './template-limits.js';
import { asPythonList } from './template-values.js';

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
  /** a syntax error (found without rendering; reported once, where the definitions are checked). */
  readonly syntax: boolean;

  constructor(message: string, where: { line?: number; col?: number; cause?: unknown; syntax?: boolean } = {}) {
    super('REEF_TEMPLATE_INVALID', message, { cause: where.cause });
    this.templateLine = where.line;
    this.templateCol = where.col;
    this.syntax = where.syntax ?? false;
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
      return asPythonList(all.map((a) => a.ip!));
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

const MAX_CACHED = 1000;
const cache = new Map<string, TNode | TemplateError>();

/** True when the string has template syntax at all; other strings are returned unchanged, fast. */
export function isTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

function parsed(template: string): TNode | TemplateError {
  let tree = cache.get(template);
  if (tree === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    try {
      tree = parseTemplate(template);
    } catch (e) {
      tree = syntaxError(e);
    }
    cache.set(template, tree);
  }
  return tree;
}

export interface RenderOptions {
  /** a budget shared with other renders (the compile-time probe shares one per descriptor). */
  budget?: Budget;
  limits?: Partial<TemplateLimits>;
}

/** Renders one template. Throws TemplateError, or the TransientError of a getip() whose node is not ready. */
export function renderTemplate(template: string, scope: TemplateScope, options: RenderOptions = {}): string {
  if (!isTemplate(template)) return template;
  const tree = parsed(template);
  if (tree instanceof TemplateError) throw tree;
  const data: Record<string, unknown> = Object.create(null);
  const functions: Record<string, (...args: unknown[]) => unknown> = Object.create(null);
  for (const [key, value] of Object.entries(scope)) {
    if (typeof value === 'function') functions[key] = value as (...args: unknown[]) => unknown;
    else data[key] = value;
  }
  try {
    return evaluate(tree, { data, functions }, options.budget ?? new Budget(options.limits));
  } catch (e) {
    throw explain(e);
  }
}

/** The syntax error of a template, if it has one (checked without rendering, so no scope is needed). */
export function templateSyntaxError(template: string): TemplateError | undefined {
  if (!isTemplate(template)) return undefined;
  const tree = parsed(template);
  return tree instanceof TemplateError ? tree : undefined;
}

/** Renders every string inside objects and arrays (keys are left alone). */
export function renderDeep<T>(value: T, scope: TemplateScope, options: RenderOptions = {}): T {
  if (typeof value === 'string') return renderTemplate(value, scope, options) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope, options)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope, options)])) as T;
  }
  return value;
}

function syntaxError(e: unknown): TemplateError {
  const raw = e instanceof Error ? e.message : String(e);
  const where = e as { lineno?: number; colno?: number };
  const message = raw.replace(/^\([^)]*\)(?: \[Line \d+, Column \d+\])?\n\s*(?:Error: )?/, '').trim();
  return new TemplateError(`template error: ${message}`, { line: where.lineno || undefined, col: where.colno || undefined, cause: e, syntax: true });
}

function explain(e: unknown): Error {
  if (!(e instanceof EvalError)) {
    if (e instanceof RangeError) return new TemplateError(`template error: ${e.message}`, { cause: e });
    return e instanceof Error ? e : new Error(String(e));
  }
  const where = { line: e.line, col: e.col, cause: e };
  if (e.cause instanceof TransientError) return e.cause;
  // a function's own error (unknown node) points at the field, as it always has
  if (e.cause instanceof TemplateError) return new TemplateError(e.cause.message, { cause: e.cause });
  if (e.message === 'undefined value in template' && e.missing !== undefined) {
    const name = e.missing.name;
    const dot = name.lastIndexOf('.');
    const match = closest(name.slice(dot + 1), [...e.missing.siblings]);
    const hint = match === undefined ? '' : ` (did you mean "${name.slice(0, dot + 1)}${match}"?)`;
    return new TemplateError(`unknown variable "${name}"${hint}`, where);
  }
  if (e.cause !== undefined) return new TemplateError(`template error: ${e.message}`, where);
  return new TemplateError(e.message === 'undefined value in template' ? e.message : `template error: ${e.message}`, where);
}
