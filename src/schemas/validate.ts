/**
 * JSON Schema validation (ajv 8) with errors turned into Diagnostics at exact source positions.
 *
 * Our schemas may carry `reefMessages: { <keyword>: text }` to replace ajv's wording for one keyword; `${value}`
 * in the text is replaced by the offending value. Unknown keys get a "did you mean" from the schema's own
 * `properties`.
 */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { didYouMean } from './did-you-mean.js';
import { formatPath, type Diagnostic, type JsonPath } from './diagnostics.js';
import type { LoadedDocument } from './load.js';
import { precompiledValidator } from './precompiled.js';

const require = createRequire(import.meta.url);

/** The one ajv setup: what validates at run time, and what `npm run build` precompiles (src/build/validators.ts). */
export function createAjv(options: { code?: { source: boolean } } = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const addFormatsModule = require('ajv-formats') as unknown;
  // ajv-formats is CommonJS with a default export
  const addFormats = ((addFormatsModule as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
  const ajv = new AjvClass({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true, ...options });
  addFormats(ajv);
  ajv.addVocabulary(['reefMessages']);
  return ajv;
}

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * reef's own schemas come precompiled with the build (compiling them took most of a CLI start-up's CPU); a
 * schema without a precompiled validator (a plugin's, or sources run without a build) is compiled here.
 */
function compile(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (fn === undefined) {
    fn = precompiledValidator(schema);
    if (fn === undefined) {
      ajv ??= createAjv();
      // A copy of a schema already compiled under the same $id (ajv refuses to add an id twice).
      const id = (schema as { $id?: unknown }).$id;
      fn = (typeof id === 'string' ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
    }
    compiled.set(schema, fn);
  }
  return fn;
}

/** Validates `value` (found at `basePath` inside `doc`) against `schema`; [] when valid. */
export function validateAt(schema: object, value: unknown, doc: LoadedDocument, basePath: JsonPath = []): Diagnostic[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  const out: Diagnostic[] = [];
  for (const error of validate.errors ?? []) {
    const d = toDiagnostic(error, value, doc, basePath);
    if (d !== undefined) out.push(d);
  }
  return out;
}

type Messages = Partial<Record<string, string>>;

function toDiagnostic(e: ErrorObject, root: unknown, doc: LoadedDocument, basePath: JsonPath): Diagnostic | undefined {
  if (e.keyword === 'if') return undefined; // the failing `then`/`else` branch reports the real problem
  const path = [...basePath, ...pointerToPath(e.instancePath, root)];
  const custom = ((e.parentSchema as { reefMessages?: Messages } | undefined)?.reefMessages ?? {})[e.keyword];
  const fill = (text: string): string => text.replaceAll('${value}', describe(e.data));
  const at = (p: JsonPath, which: 'key' | 'value' = 'value'): Diagnostic => ({ ...doc.locate(p, which), message: '', path: formatPath(p) });
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const extra = custom === undefined ? didYouMean(key, known) : `: ${fill(custom)}`;
      return { ...at([...path, key], 'key'), message: `unknown key "${key}"${extra}` };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      return { ...at(path), path: formatPath([...path, key]), message: custom === undefined ? `missing required key "${key}"` : fill(custom) };
    }
    case 'enum': {
      if (custom === undefined) return { ...at(path), message: defaultMessage(e) };
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      return { ...at(path), message: fill(custom) + (typeof e.data === 'string' ? didYouMean(e.data, allowed) : '') };
    }
    default:
      return { ...at(path), message: fill(custom ?? defaultMessage(e)) };
  }
}

function defaultMessage(e: ErrorObject): string {
  const got = describe(e.data);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `must be ${typeWords(String(p.type))}, got ${got}`;
    case 'minimum':
      return `must be at least ${String(p.limit)}, got ${got}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(p.limit)}, got ${got}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}, got ${got}`;
    case 'minItems':
      return Number(p.limit) === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} items, got ${countItems(e.data)}`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items, got ${countItems(e.data)}`;
    case 'minLength':
      return 'must not be empty';
    case 'pattern':
      return `${got} does not match ${String(p.pattern)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}, got ${got}`;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
      return `${got} is not one of ${allowed.join(', ')}${hint}`;
    }
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number',
  boolean: 'true or false', null: 'empty',
};

function typeWords(types: string): string {
  const list = types.split(',');
  const words = list.map((t) => (t === 'boolean' && list.length > 1 ? 'a boolean' : (TYPE_WORDS[t] ?? t)));
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** A short, quoted rendering of a value for messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

function countItems(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** `/nodes/1/scaling` → ['nodes', 1, 'scaling'], numbers only where the value really is a list. */
function pointerToPath(pointer: string, root: unknown): Array<string | number> {
  if (pointer === '') return [];
  const out: Array<string | number> = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const key = Array.isArray(current) ? Number(part) : part;
    out.push(key);
    current = current === null || typeof current !== 'object' ? undefined : (current as Record<string | number, unknown>)[key];
  }
  return out;
}
