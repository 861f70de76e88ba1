/**
 * The values a template can hold, and the only ways it can look into them. A template sees data (strings, numbers,
 * booleans, null, arrays, mappings from the descriptor) and nothing else: a lookup reads an *own data property* of
 * an array, a string or a mapping — never a getter, an inherited member, a prototype or a function — whatever the
 * key's type or how it was computed. Functions are not values: they can only be called by name (see template-eval).
 */

/** What a lookup of a name or key that does not exist gives; it remembers the first name that was missing. */
export class Missing {
  constructor(
    readonly name: string,
    /** the keys that did exist where the last segment was looked up (for "did you mean"). */
    readonly siblings: readonly string[] = [],
  ) {}
}

/** A reference to a callable builtin (`getip`, `range`…): it can be called or tested with `is defined`, nothing else. */
export class FunctionRef {
  constructor(readonly name: string) {}
}

/** Arrays that print as a Python list (`['a', 'b']`), as Jinja2 prints getipall(). */
const pythonLists = new WeakSet<object>();

export function asPythonList<T>(items: T[]): T[] {
  pythonLists.add(items);
  return items;
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Missing) && !(v instanceof FunctionRef);
}

/** A string or number key, or undefined for every other kind of key (arrays, objects, symbols…). */
export function keyOf(key: unknown): string | undefined {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' && Number.isFinite(key)) return String(key);
  return undefined;
}

/**
 * `target[key]` for a template: own data properties of arrays, strings and mappings only.
 * Returns Missing (named `path.key`) for anything else.
 */
export function lookup(target: unknown, key: unknown, path: string): unknown {
  if (target instanceof Missing) return target;
  const k = keyOf(key);
  const name = `${path}.${k ?? String(typeof key)}`;
  if (k === undefined || target === null || target === undefined) return new Missing(name);
  if (typeof target === 'string') {
    if (k === 'length') return target.length;
    return /^(0|[1-9]\d*)$/.test(k) && Number(k) < target.length ? target[Number(k)] : new Missing(name);
  }
  if (typeof target !== 'object' || target instanceof FunctionRef) return new Missing(name);
  if (Array.isArray(target) && k === 'length') return target.length;
  const desc = Object.getOwnPropertyDescriptor(target, k);
  if (desc === undefined || !('value' in desc) || typeof desc.value === 'function') {
    return new Missing(name, Object.keys(target));
  }
  return desc.value;
}

/** `key in target`: own keys of mappings, elements of arrays, substrings of strings. */
export function contains(target: unknown, key: unknown): boolean {
  const value = plain(key);
  if (Array.isArray(target)) return target.includes(value);
  if (typeof target === 'string') return target.includes(String(value));
  if (isMapping(target)) {
    const k = keyOf(value);
    return k !== undefined && Object.hasOwn(target, k);
  }
  throw new Error(`cannot use "in" with ${describe(target)}`);
}

/** The value as an argument for a filter, test or function: Missing is undefined; functions are refused. */
export function plain(v: unknown): unknown {
  if (v instanceof Missing) return undefined;
  if (v instanceof FunctionRef) throw new Error(`${v.name} is a function: call it, as ${v.name}(…)`);
  return v;
}

export function truthy(v: unknown): boolean {
  if (v instanceof Missing) return false;
  return Boolean(v);
}

/** What `{{ v }}` and `~` print, as nunjucks printed it (JavaScript's String(), arrays joined by commas). */
export function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v instanceof Missing) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof FunctionRef) throw new Error(`${v.name} is a function: call it, as ${v.name}(…)`);
  if (Array.isArray(v)) {
    if (pythonLists.has(v)) return `[${v.map((i) => `'${stringify(i)}'`).join(', ')}]`;
    return v.map((i) => (i === null || i === undefined ? '' : stringify(i))).join(',');
  }
  return '[object Object]';
}

/** Primitive for arithmetic and comparison: arrays and mappings become the string they print as. */
export function primitive(v: unknown): string | number | boolean | null | undefined {
  if (v instanceof Missing) return undefined;
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return stringify(v);
}

/**
 * A lower bound of the characters `v` would take once printed or serialised, stopping as soon as it passes
 * `cap` (so a list holding one long string many times is measured without building anything).
 */
export function sizeOver(v: unknown, cap: number): boolean {
  let total = 0;
  let visits = 0;
  const walk = (x: unknown): boolean => {
    visits += 1;
    if (visits > 1_000_000) return true;
    if (typeof x === 'string') total += x.length;
    else if (Array.isArray(x)) {
      total += 1;
      for (const i of x) if (walk(i)) return true;
    } else if (isMapping(x)) {
      for (const [k, i] of Object.entries(x)) {
        total += k.length + 1;
        if (walk(i)) return true;
      }
    } else total += 4;
    return total > cap;
  };
  return walk(v);
}

export function describe(v: unknown): string {
  if (v instanceof Missing) return `undefined ("${v.name}")`;
  if (v instanceof FunctionRef) return `the function ${v.name}`;
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'none';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}
