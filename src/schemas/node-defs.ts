/**
 * Node definition files (`'node_def:TYPE': [implementation, ...]`): structure, each implementation's resource
 * section against its driver's schema, refused config managers, template syntax. Templates are rendered later,
 * per node (compile.ts), because their variables come from the infra description.
 */
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Implementation } from '../spec/types.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath, throwIfAny, type Diagnostic, type JsonPath } from './diagnostics.js';
import { loadYamlFile, type LoadedDocument } from './load.js';
import { NODE_DEF_PREFIX, nodeDefsSchema } from './nodedef.schema.js';
import { templateSyntaxError } from './template.js';
import { validateAt } from './validate.js';

/** Where an implementation was read from, so template errors found later point into the node-defs file. */
export interface ImplementationOrigin {
  doc: LoadedDocument;
  path: JsonPath;
  /** the implementation as written (cloud-init mappings not yet dumped), for locating template strings. */
  raw: Record<string, unknown>;
}

export interface CheckedNodeDefs {
  /** keys without the `node_def:` prefix. */
  defs: Record<string, Implementation[]>;
  origins: Record<string, ImplementationOrigin[]>;
  /** types with at least one problem: compile does not pile further errors on nodes using them. */
  broken: Set<string>;
  diagnostics: Diagnostic[];
}

/** config_management fields that name a file on the reef host. */
const FILE_FIELDS = ['playbook', 'private_key_path'] as const;
/** Relative, and neither a template nor `~/…` (expanded later, against the user's home). */
const isRelativeFile = (p: string) => p !== '' && !isAbsolute(p) && !p.startsWith('~') && !p.includes('{{') && !p.includes('{%');

export const TEMPLATE_SECTIONS = ['resource', 'contextualisation', 'config_management', 'health_check'] as const;

/** Reads and checks a node-definition file; throws SpecError with every problem. */
export function loadNodeDefs(file: string, resourceSchemas: Record<string, object>): Record<string, Implementation[]> {
  const checked = checkNodeDefs(loadYamlFile(file), resourceSchemas);
  throwIfAny(checked.diagnostics);
  return checked.defs;
}

export function checkNodeDefs(doc: LoadedDocument, resourceSchemas: Record<string, object>): CheckedNodeDefs {
  const result: CheckedNodeDefs = { defs: {}, origins: {}, broken: new Set(), diagnostics: [...doc.diagnostics] };
  if (doc.diagnostics.length > 0) return result;
  const structural = validateAt(nodeDefsSchema, doc.value, doc);
  result.diagnostics.push(...structural);
  if (!isRecord(doc.value)) return result;
  for (const [key, list] of Object.entries(doc.value)) {
    if (!key.startsWith(NODE_DEF_PREFIX) || !Array.isArray(list)) continue;
    const type = key.slice(NODE_DEF_PREFIX.length);
    const before = result.diagnostics.length;
    const prefix = formatPath([key]);
    if (structural.some((d) => d.path === prefix || d.path.startsWith(prefix + '.') || d.path.startsWith(prefix + '['))) result.broken.add(type);
    list.forEach((impl, i) => {
      if (!isRecord(impl)) return;
      const path = [key, i];
      result.diagnostics.push(...checkImplementation(impl, doc, path, resourceSchemas));
      (result.defs[type] ??= []).push(finalizeImplementation(impl, fileDirOf(doc)));
      (result.origins[type] ??= []).push({ doc, path, raw: impl });
    });
    if (result.diagnostics.length > before) result.broken.add(type);
  }
  return result;
}

function checkImplementation(impl: Record<string, unknown>, doc: LoadedDocument, path: JsonPath, schemas: Record<string, object>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (p: JsonPath, message: string): void => void out.push({ ...doc.locate(p), message, path: formatPath(p) });
  const resource = impl.resource;
  if (isRecord(resource) && typeof resource.type === 'string' && resource.type !== '') {
    const schema = schemas[resource.type];
    if (schema === undefined) {
      const known = Object.keys(schemas).sort();
      at([...path, 'resource', 'type'], `unknown resource type "${resource.type}"${didYouMean(resource.type, known)}: known types are ${known.join(', ')}`);
    } else {
      out.push(...validateAt(schema, resource, doc, [...path, 'resource']));
    }
  }
  const config = impl.config_management;
  if (isRecord(config) && config.type === 'chef') {
    at([...path, 'config_management', 'type'], 'config_management type chef is not supported yet: use shell, ansible or puppet_solo');
  }
  for (const section of TEMPLATE_SECTIONS) {
    forEachString(impl[section], [...path, section], (text, p) => {
      const error = templateSyntaxError(text);
      if (error === undefined) return;
      const where = error.templateLine === undefined ? doc.locate(p) : doc.locateInText(p, error.templateLine, error.templateCol ?? 1);
      out.push({ ...where, message: error.message, path: formatPath(p) });
    });
  }
  return out;
}

/** The directory of a document read from a file; undefined for a request body (`<request body: nodes>`). */
function fileDirOf(doc: LoadedDocument): string | undefined {
  return basename(doc.file).startsWith('<') ? undefined : dirname(doc.file);
}

/**
 * The implementation as the spec holds it: a copy, with a cloud-init mapping dumped to `#cloud-config` text and
 * the files it names (`config_management.playbook`, `private_key_path`) made absolute against `baseDir`, the
 * node-definition file's folder, as Occopus resolves them (so `reef import` keeps them valid from anywhere).
 */
export function finalizeImplementation(impl: Record<string, unknown>, baseDir?: string): Implementation {
  const copy = structuredClone(impl) as unknown as Implementation;
  const config = copy.config_management as Record<string, unknown> | undefined;
  if (baseDir !== undefined && isRecord(config)) {
    for (const field of FILE_FIELDS) {
      const value = config[field];
      if (typeof value === 'string' && isRelativeFile(value)) config[field] = resolve(baseDir, value);
    }
  }
  const context = copy.contextualisation;
  if (context?.type === 'cloudinit' && isRecord(context.context_template)) {
    context.context_template = `#cloud-config\n${stringify(context.context_template)}`;
  }
  return copy;
}

/** Calls `visit` for every string value below `value` (not keys), skipping each section's `type`. */
export function forEachString(value: unknown, path: JsonPath, visit: (text: string, path: JsonPath) => void, depth = 0): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => forEachString(v, [...path, i], visit, depth + 1));
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) if (!(depth === 0 && k === 'type')) forEachString(v, [...path, k], visit, depth + 1);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
