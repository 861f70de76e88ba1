/**
 * A user's values for an entry's variables, checked and typed the same way whether they come from
 * `reef deploy --set K=V` (strings) or from the API (JSON values, or strings from an HTML form). Pure.
 */
import type { Diagnostic } from '../schemas/index.js';
import { didYouMean } from '../schemas/did-you-mean.js';
import type { CatalogEntry, CatalogVariable } from './entry.js';

export type InputValue = string | number | boolean;

export interface ResolvedInputs {
  /** every template variable of the entry: the user's value or the default */
  variables: Record<string, InputValue>;
  /** node → instance count, from the variables that scale a node */
  scales: Record<string, number>;
}

/** `['a=1', 'b=x=y']` → `{a: '1', b: 'x=y'}`; a pair without `=` or a repeated key is a diagnostic. */
export function parseSetArgs(pairs: string[], where: string): { values: Record<string, string>; problems: Diagnostic[] } {
  const values: Record<string, string> = {};
  const problems: Diagnostic[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      problems.push({ file: where, line: 0, col: 0, message: `--set ${JSON.stringify(pair)} is not KEY=VALUE`, path: '' });
      continue;
    }
    const key = pair.slice(0, eq);
    if (Object.hasOwn(values, key)) problems.push({ file: where, line: 0, col: 0, message: `--set ${key} is given twice`, path: `variables.${key}` });
    values[key] = pair.slice(eq + 1);
  }
  return { values, problems };
}

export function resolveInputs(entry: CatalogEntry, given: Record<string, unknown>, where: string): { inputs: ResolvedInputs; problems: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const at = (key: string, message: string) => problems.push({ file: where, line: 0, col: 0, message: `${entry.name}: ${message}`, path: `variables.${key}` });
  const names = Object.keys(entry.variables);
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(entry.variables, key)) at(key, `no variable "${key}"${didYouMean(key, names) || (names.length ? ` (variables: ${names.join(', ')})` : ' (it has none)')}`);
  }
  const inputs: ResolvedInputs = { variables: {}, scales: {} };
  for (const [key, def] of Object.entries(entry.variables)) {
    const raw = Object.hasOwn(given, key) ? given[key] : def.default;
    const checked = checkValue(def, raw);
    if ('refused' in checked) at(key, `${key} ${checked.refused}`);
    else if (def.scales) inputs.scales[def.scales] = checked.value as number;
    else inputs.variables[key] = checked.value;
  }
  return { inputs, problems };
}

export type Checked = { value: InputValue } | { refused: string };

/** The typed value, or why it is refused. */
export function checkValue(def: CatalogVariable, raw: unknown): Checked {
  const refuse = (why: string): Checked => ({ refused: `${why}, got ${JSON.stringify(raw)}` });
  let value: InputValue;
  switch (def.type) {
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(n)) return refuse(`must be ${def.type === 'integer' ? 'a whole number' : 'a number'}`);
      if (def.type === 'integer' && !Number.isInteger(n)) return refuse('must be a whole number');
      if (def.min !== undefined && n < def.min) return refuse(`must be at least ${def.min}`);
      if (def.max !== undefined && n > def.max) return refuse(`must be at most ${def.max}`);
      value = n;
      break;
    }
    case 'boolean':
      if (raw === true || raw === 'true') value = true;
      else if (raw === false || raw === 'false') value = false;
      else return refuse('must be true or false');
      break;
    case 'string':
      if (typeof raw !== 'string' && typeof raw !== 'number') return refuse('must be text');
      value = String(raw);
      if (value.length > 4096) return { refused: `must be at most 4096 characters, got ${value.length}` };
      if (def.pattern !== undefined && !new RegExp(def.pattern, 'u').test(value)) return refuse(`must match ${def.pattern}`);
      break;
  }
  if (def.enum !== undefined && !def.enum.some((e) => String(e) === String(value))) return refuse(`must be one of ${def.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  return { value };
}
