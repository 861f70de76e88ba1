/**
 * What a template may call: Jinja2's filters and tests as nunjucks implements them (by name, from a whitelist),
 * `range()` with a length cap, and a few Python string and dict methods. Arguments are plain data (see
 * template-values.plain) and every result is checked: no function or foreign object comes back into a template.
 */
import nunjucks from 'nunjucks';
import { FunctionRef, isMapping, sizeOver, stringify } from './template-values.js';
import type { TemplateLimits } from './template-limits.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

const registry = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true }) as unknown as {
  getFilter(name: string): unknown;
  getTest(name: string): unknown;
};

export const FILTERS: ReadonlySet<string> = new Set([
  'abs', 'batch', 'capitalize', 'center', 'default', 'd', 'dictsort', 'dump', 'escape', 'e', 'first', 'float',
  'forceescape', 'groupby', 'indent', 'int', 'join', 'last', 'length', 'list', 'lower', 'nl2br', 'reject',
  'rejectattr', 'replace', 'reverse', 'round', 'safe', 'select', 'selectattr', 'slice', 'sort', 'string',
  'striptags', 'sum', 'title', 'trim', 'truncate', 'upper', 'urlencode', 'urlize', 'wordcount', 'b64encode',
]);

export const TESTS: ReadonlySet<string> = new Set([
  'callable', 'defined', 'divisibleby', 'escaped', 'equalto', 'eq', 'sameas', 'even', 'falsy', 'ge', 'greaterthan',
  'gt', 'le', 'lessthan', 'lt', 'lower', 'ne', 'null', 'none', 'number', 'odd', 'string', 'truthy', 'undefined',
  'upper', 'iterable', 'mapping',
]);

/** Filters whose size argument (after the value) builds something that large. */
const SIZE_ARGUMENT: Readonly<Record<string, number>> = { batch: 1, slice: 1, center: 1, indent: 1 };
/** Filters whose result is about as large as everything in their input, printed. */
const JOINING = new Set(['join', 'sum', 'dump', 'string', 'list', 'urlencode', 'groupby', 'dictsort']);

function test(name: string): Fn {
  if (!TESTS.has(name)) throw new Error(`unknown test "${name}"`);
  if (name === 'none') return registry.getTest('null') as Fn;
  return registry.getTest(name) as Fn;
}

/** What nunjucks' filters expect as `this`: select/reject look tests up through it. */
const filterContext = { env: { opts: { autoescape: false, throwOnUndefined: true }, getTest: test } };

export function runTest(name: string, args: unknown[]): boolean {
  if (name === 'defined' || name === 'undefined' || name === 'callable') {
    const defined = args[0] !== undefined;
    if (name === 'callable') return args[0] instanceof FunctionRef;
    return name === 'defined' ? defined : !defined;
  }
  return test(name).apply(filterContext, args) === true;
}

export function runFilter(name: string, args: unknown[], limits: TemplateLimits): unknown {
  if (!FILTERS.has(name)) throw new Error(`unknown filter "${name}"`);
  const [value] = args;
  const cap = limits.maxOutputChars;
  const sizeAt = SIZE_ARGUMENT[name];
  if (sizeAt !== undefined && Number(args[sizeAt]) > limits.maxRange) {
    throw new Error(`${name}(${stringify(args[sizeAt])}) is larger than ${limits.maxRange}`);
  }
  if (JOINING.has(name) && sizeOver(value, cap)) throw new Error(`${name} would build more than ${cap} characters`);
  if (name === 'replace' && typeof value === 'string') {
    const old = String(args[1] ?? '');
    const replacement = stringify(args[2] ?? '');
    const times = old === '' ? value.length + 1 : value.split(old).length - 1;
    if (value.length + times * replacement.length > cap) throw new Error(`replace would build more than ${cap} characters`);
  }
  if (name === 'b64encode') return Buffer.from(stringify(value), 'utf8').toString('base64');
  const result = (registry.getFilter(name) as Fn).apply(filterContext, args);
  return fromFilter(result);
}

/** A filter's result as a template value: SafeString becomes its string; functions and class instances are refused. */
function fromFilter(v: unknown): unknown {
  if (v instanceof (nunjucks.runtime as unknown as { SafeString: new () => object }).SafeString) return String(v);
  if (typeof v === 'function') throw new Error('a filter returned a function');
  if (isMapping(v)) {
    const proto = Object.getPrototypeOf(v);
    if (proto !== null && proto !== Object.prototype) throw new Error('a filter returned an unexpected object');
  }
  return v;
}

/** nunjucks' range(): [start, stop) by step, at most `maxRange` numbers. */
export function range(args: unknown[], limits: TemplateLimits): number[] {
  let [start, stop, step] = args.map((a) => (a === undefined ? undefined : Number(a)));
  if (stop === undefined) {
    stop = start;
    start = 0;
    step = 1;
  } else if (!step) step = 1;
  const from = start ?? 0;
  const to = stop ?? 0;
  const by = step ?? 1;
  if ([from, to, by].some((n) => Number.isNaN(n))) return [];
  const count = Math.max(0, Math.ceil((to - from) / by));
  if (!(count <= limits.maxRange)) throw new Error(`range() of ${count} numbers: at most ${limits.maxRange}`);
  return Array.from({ length: count }, (_, i) => from + i * by);
}

const text = (v: unknown): string => (v === undefined ? '' : stringify(v));
const whitespaceOr = (chars: unknown): string => (chars === undefined || chars === null ? ' \t\n\r\f\v' : text(chars));
const stripStart = (s: string, chars: string): string => {
  let i = 0;
  while (i < s.length && chars.includes(s[i]!)) i += 1;
  return s.slice(i);
};
const stripEnd = (s: string, chars: string): string => {
  let i = s.length;
  while (i > 0 && chars.includes(s[i - 1]!)) i -= 1;
  return s.slice(0, i);
};

/** Python's str methods (the ones Jinja2 templates use), with Python's meaning. */
const STRING_METHODS: Readonly<Record<string, (s: string, a: unknown[], cap: number) => unknown>> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, [c]) => stripEnd(stripStart(s, whitespaceOr(c)), whitespaceOr(c)),
  lstrip: (s, [c]) => stripStart(s, whitespaceOr(c)),
  rstrip: (s, [c]) => stripEnd(s, whitespaceOr(c)),
  startswith: (s, [p]) => s.startsWith(text(p)),
  endswith: (s, [p]) => s.endsWith(text(p)),
  find: (s, [p]) => s.indexOf(text(p)),
  count: (s, [p]) => (text(p) === '' ? s.length + 1 : s.split(text(p)).length - 1),
  title: (s) => s.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s) => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1).toLowerCase()),
  split: (s, [sep, max]) => {
    const limit = max === undefined || Number(max) < 0 ? Infinity : Number(max);
    const parts = sep === undefined || sep === null ? s.trim().split(/\s+/).filter((p) => p !== '') : s.split(text(sep));
    if (parts.length - 1 <= limit) return parts;
    const joiner = sep === undefined || sep === null ? ' ' : text(sep);
    return [...parts.slice(0, limit), parts.slice(limit).join(joiner)];
  },
  replace: (s, [old, replacement, max], cap) => {
    const o = text(old);
    const r = text(replacement);
    const parts = s.split(o);
    const limit = max === undefined || Number(max) < 0 ? Infinity : Number(max);
    const times = Math.min(parts.length - 1, limit);
    if (s.length + times * r.length > cap) throw new Error(`replace would build more than ${cap} characters`);
    if (o === '') return [...s].reduce((acc, ch, i) => acc + (i < times ? r : '') + ch, '') + (times > s.length ? r : '');
    return parts.slice(0, times + 1).join(r) + (times < parts.length - 1 ? o + parts.slice(times + 1).join(o) : '');
  },
  join: (s, [items], cap) => {
    if (!Array.isArray(items)) throw new Error('join() needs a list');
    if (sizeOver(items, cap)) throw new Error(`join would build more than ${cap} characters`);
    return items.map((i) => stringify(i)).join(s);
  },
};

/** Python's dict methods that read. */
const MAPPING_METHODS: Readonly<Record<string, (m: Record<string, unknown>, a: unknown[]) => unknown>> = {
  items: (m) => Object.entries(m),
  keys: (m) => Object.keys(m),
  values: (m) => Object.values(m),
  get: (m, [k, fallback]) => (typeof k === 'string' && Object.hasOwn(m, k) ? m[k] : fallback ?? null),
};

export const METHOD_NAMES: readonly string[] = [...Object.keys(STRING_METHODS), ...Object.keys(MAPPING_METHODS)];

/** Calls `target.name(args)` when that is one of the methods above for the target's type; undefined otherwise. */
export function findMethod(target: unknown, name: string): ((args: unknown[], cap: number) => unknown) | undefined {
  if (typeof target === 'string' && Object.hasOwn(STRING_METHODS, name)) {
    const m = STRING_METHODS[name]!;
    return (args, cap) => m(target, args, cap);
  }
  if (isMapping(target) && Object.hasOwn(MAPPING_METHODS, name)) {
    const m = MAPPING_METHODS[name]!;
    return (args) => m(target, args);
  }
  return undefined;
}
