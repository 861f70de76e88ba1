/**
 * Reads Occopus YAML into plain JS values plus a source map (see source-map.ts).
 *
 * - `!yaml_import {url: file://rel}` → the parsed YAML of that file; `!text_import {url: file://rel}` → its raw text.
 *   `rel` is relative to the directory of the including file. `file:///abs` is an absolute path: Occopus prefixes
 *   it with Python's sys.prefix (a quirk we do not reproduce). Imports nest; errors inside an imported file point
 *   into that file; an import cycle is an error.
 * - Aliases resolve to the very same JS object as their anchor (Occopus dependencies compare nodes by identity).
 * - `<<` merge keys work as in YAML 1.1. Scalars follow YAML 1.1 (as PyYAML, which Occopus uses: `yes` is true).
 * - Duplicate keys, unknown tags and syntax errors are diagnostics. Only the first syntax error of a file is
 *   reported: the following ones are usually its echoes.
 * - Bounded (docs/security.md): files (descriptor and imported) are regular files of at most MAX_YAML_FILE_BYTES;
 *   aliases may expand to at most ALIAS_EXPANSION_BASE + ALIAS_EXPANSION_FACTOR × the file's own node count
 *   values ("billion laughs"); nesting is at most MAX_YAML_DEPTH levels; a `__proto__` key is refused.
 */
import { dirname, resolve } from 'node:path';
import { Document, LineCounter, parseDocument, visit, isAlias, isMap, isScalar, isSeq, isPair, type Node, type ScalarTag, type Tags, type YAMLMap } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { SpecError, displayPath, formatPath, type Diagnostic, type JsonPath } from './diagnostics.js';
import { locateIn, locateInTextOf, type SourceNode, type SourcePos } from './source-map.js';
import { readRegularFile } from './read-limited.js';
import { fileRefused, type HostAccess } from '../util/host-access.js';

export const MAX_YAML_FILE_BYTES = 4 * 1024 * 1024;
export const ALIAS_EXPANSION_BASE = 10_000;
export const ALIAS_EXPANSION_FACTOR = 10;
export const MAX_YAML_DEPTH = 100;
/** all the files one description imports, together (each one is also at most MAX_YAML_FILE_BYTES). */
export const MAX_IMPORTED_BYTES = 16 * 1024 * 1024;
export const MAX_IMPORTS = 1000;

/** What one load (a file and everything it imports) has read so far. */
interface ImportTally {
  imports: number;
  bytes: number;
  /** which files imports may read (reef serve: the operator's --allow-files); absent: any the user can read */
  access?: HostAccess;
}

export interface LoadedDocument {
  file: string;
  value: unknown;
  /** load problems (syntax, duplicate keys, imports); when not empty, `value` may be incomplete. */
  diagnostics: Diagnostic[];
  /** position of the value at `path` (or of its key), the nearest ancestor's when absent. */
  locate(path: JsonPath, at?: 'key' | 'value'): SourcePos;
  /** position of line:col (1-based) inside the string at `path` (template errors). */
  locateInText(path: JsonPath, line: number, col: number): SourcePos;
}

export const IMPORT_TAGS = ['!yaml_import', '!text_import'] as const;

interface Built {
  value: unknown;
  source: SourceNode;
  /** how many values the value holds once its aliases are expanded (what a walk over it visits). */
  size: number;
}

interface FileContext {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  built: Map<Node, Built>;
  /** collections being built: an alias to one of them would make the value contain itself. */
  open: Set<Node>;
  importStack: string[];
  diagnostics: Diagnostic[];
  /** values aliases have added so far, and how many they may add. */
  aliasExpansion: number;
  aliasLimit: number;
  aliasReported: boolean;
  shared: ImportTally;
}

/** Throws a one-line SpecError (`FILE: cannot read …`) when the file itself cannot be read. */
export function loadYamlFile(file: string): LoadedDocument {
  const path = resolve(file);
  const read = readRegularFile(path, MAX_YAML_FILE_BYTES);
  if (typeof read !== 'string') throw new SpecError([{ file: path, line: 0, col: 0, message: `cannot read the file: ${read.reason}`, path: '' }]);
  return fromText(read, path, []);
}

/** For YAML that does not come from a file (a REST body): `file` names it and anchors relative imports. */
export function loadYamlText(text: string, file: string, opts: { access?: HostAccess } = {}): LoadedDocument {
  if (text.length > MAX_YAML_FILE_BYTES) {
    throw new SpecError([{ file, line: 0, col: 0, message: `larger than ${MAX_YAML_FILE_BYTES} bytes`, path: '' }]);
  }
  return fromText(text, resolve(file), [], { imports: 0, bytes: 0, ...(opts.access ? { access: opts.access } : {}) });
}

function fromText(text: string, file: string, importStack: string[], shared?: ImportTally): LoadedDocument {
  const { value, root, diagnostics } = parseFile(text, file, importStack, shared);
  return {
    file,
    value,
    diagnostics,
    locate: (path, at) => locateIn(root, path, at),
    locateInText: (path, line, col) => locateInTextOf(root, path, line, col),
  };
}

function parseFile(text: string, file: string, importStack: string[], shared: ImportTally = { imports: 0, bytes: 0 }): { value: unknown; root: SourceNode; diagnostics: Diagnostic[]; size: number } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines, prettyErrors: false, uniqueKeys: false, version: '1.1', merge: true, customTags: pyyamlBooleans,
  });
  let ownNodes = 0;
  visit(doc, () => {
    ownNodes += 1;
  });
  const ctx: FileContext = {
    file, text, doc, lines, built: new Map(), open: new Set(), importStack: [...importStack, file], diagnostics: [],
    aliasExpansion: 0, aliasLimit: ALIAS_EXPANSION_BASE + ALIAS_EXPANSION_FACTOR * ownNodes, aliasReported: false, shared,
  };
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    ctx.diagnostics.push({ ...pos(ctx, syntax.pos[0]), message: `YAML syntax error: ${syntax.message}`, path: '' });
    return { value: null, root: { value: { file, line: 1, col: 1 } }, diagnostics: ctx.diagnostics, size: 1 };
  }
  if (doc.contents === null) return { value: null, root: { value: { file, line: 1, col: 1 } }, diagnostics: ctx.diagnostics, size: 1 };
  const built = build(doc.contents, [], ctx);
  return { value: built.value, root: built.source, diagnostics: ctx.diagnostics, size: built.size };
}

const BOOL_TAG = 'tag:yaml.org,2002:bool';

/** PyYAML's YAML 1.1 booleans: yes/no/on/off/true/false, but not the single letters y/n the 1.1 spec also lists. */
function pyyamlBooleans(tags: Tags): Tags {
  const bool = (value: boolean, test: RegExp): ScalarTag => ({
    tag: BOOL_TAG, default: true, test, identify: (v) => v === value, resolve: () => value,
  });
  return [
    ...tags.filter((t) => typeof t === 'string' || t.tag !== BOOL_TAG),
    bool(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/),
    bool(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/),
  ];
}

function pos(ctx: FileContext, offset: number): SourcePos {
  const { line, col } = ctx.lines.linePos(offset);
  return { file: ctx.file, line, col };
}

function report(ctx: FileContext, at: SourcePos, message: string, path: JsonPath): void {
  ctx.diagnostics.push({ ...at, message, path: formatPath(path) });
}

function build(node: Node, path: JsonPath, ctx: FileContext): Built {
  const start = pos(ctx, node.range?.[0] ?? 0);
  if (path.length > MAX_YAML_DEPTH) {
    report(ctx, start, `nested more than ${MAX_YAML_DEPTH} levels deep`, path.slice(0, MAX_YAML_DEPTH));
    return { value: null, source: { value: start }, size: 1 };
  }
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    const done = target === undefined || ctx.open.has(target) ? undefined : ctx.built.get(target);
    if (done === undefined) {
      report(ctx, start, target === undefined ? `unknown alias *${node.source}` : `alias *${node.source} refers to itself`, path);
      return { value: null, source: { value: start }, size: 1 };
    }
    ctx.aliasExpansion += done.size;
    if (ctx.aliasExpansion > ctx.aliasLimit) {
      if (!ctx.aliasReported) report(ctx, start, `too many alias expansions: aliases would add more than ${ctx.aliasLimit} values`, path);
      ctx.aliasReported = true;
      return { value: null, source: { value: start }, size: 1 };
    }
    // The same object as the anchor; children keep pointing at the anchor's text.
    return { value: done.value, source: { value: start, children: done.source.children, text: done.source.text }, size: done.size };
  }
  const tag = node.tag;
  if (tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!')) return remember(node, buildTagged(node, tag, path, ctx), ctx);
  if (isScalar(node)) return remember(node, { value: node.value, source: { value: start, text: textLayout(node, start, ctx) }, size: 1 }, ctx);
  if (isSeq(node)) {
    const value: unknown[] = [];
    const result: Built = { value, source: { value: start, children: new Map() }, size: 1 };
    ctx.built.set(node, result);
    ctx.open.add(node);
    node.items.forEach((item, i) => {
      const child = isPair(item) || item === null ? null : build(item as Node, [...path, i], ctx);
      value.push(child?.value ?? null);
      result.size += child?.size ?? 1;
      result.source.children!.set(i, child?.source ?? { value: start });
    });
    ctx.open.delete(node);
    return result;
  }
  if (isMap(node)) return buildMap(node, start, path, ctx);
  report(ctx, start, 'unsupported YAML node', path);
  return { value: null, source: { value: start }, size: 1 };
}

function remember(node: Node, built: Built, ctx: FileContext): Built {
  ctx.built.set(node, built);
  return built;
}

function buildMap(node: YAMLMap, start: SourcePos, path: JsonPath, ctx: FileContext): Built {
  const value: Record<string, unknown> = {};
  const children = new Map<string | number, SourceNode>();
  const result: Built = { value, source: { value: start, children }, size: 1 };
  ctx.built.set(node, result);
  ctx.open.add(node);
  const merges: Built[] = [];
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    const keyPos = pos(ctx, keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
    if (!isScalar(keyNode)) {
      report(ctx, keyPos, 'only plain keys are supported', path);
      continue;
    }
    const valueNode = pair.value as Node | null;
    if (typeof keyNode.value === 'symbol') {
      if (valueNode !== null) merges.push(...mergeSources(valueNode, path, ctx));
      continue;
    }
    const key = String(keyNode.value);
    if (key === '__proto__') {
      report(ctx, keyPos, 'the key "__proto__" is not allowed', path);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(value, key)) {
      report(ctx, keyPos, `duplicate key "${key}"`, [...path, key]);
      continue;
    }
    const missing = valueNode === null || (isScalar(valueNode) && valueNode.value === null && valueNode.source === '');
    const child = valueNode === null ? { value: null, source: { value: keyPos }, size: 1 } : build(valueNode, [...path, key], ctx);
    setOwn(value, key, child.value);
    result.size += child.size;
    children.set(key, { ...child.source, key: keyPos, value: missing ? keyPos : child.source.value });
  }
  for (const merged of merges) {
    if (typeof merged.value !== 'object' || merged.value === null || Array.isArray(merged.value)) continue;
    result.size += merged.size;
    for (const [key, v] of Object.entries(merged.value)) {
      if (Object.prototype.hasOwnProperty.call(value, key)) continue;
      setOwn(value, key, v);
      const src = merged.source.children?.get(key);
      if (src !== undefined) children.set(key, src);
    }
  }
  ctx.open.delete(node);
  return result;
}

/** An own, enumerable data property, whatever the key (never a setter such as `__proto__`). */
function setOwn(target: Record<string, unknown>, key: string, v: unknown): void {
  Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true });
}

function mergeSources(node: Node, path: JsonPath, ctx: FileContext): Built[] {
  if (isSeq(node)) return node.items.map((item, i) => build(item as Node, [...path, '<<', i], ctx));
  return [build(node, [...path, '<<'], ctx)];
}

function textLayout(node: Node, start: SourcePos, ctx: FileContext): SourceNode['text'] {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  if (node.type === 'BLOCK_LITERAL') {
    // Template line 1 is the line after the `|` header; every content line starts at the block's indentation.
    const indent = ctx.text.slice(node.range![0]).match(/^[^\n]*\n(?:[ \t]*\n)*( *)/);
    if (indent === null) return undefined;
    const indentCol = indent[1].length + 1;
    return { line: start.line + 1, col: indentCol, indentCol };
  }
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return { line: start.line, col: start.col + 1, indentCol: start.col + 1 };
  if (node.type === 'PLAIN') return { line: start.line, col: start.col, indentCol: start.col };
  return undefined;
}

function buildTagged(node: Node, tag: string, path: JsonPath, ctx: FileContext): Built {
  const tagOffset = ctx.text.lastIndexOf(tag, node.range?.[0] ?? 0);
  const at = pos(ctx, tagOffset >= 0 ? tagOffset : (node.range?.[0] ?? 0));
  const fail = (message: string): Built => {
    report(ctx, at, message, path);
    return { value: null, source: { value: at }, size: 1 };
  };
  if (tag !== '!yaml_import' && tag !== '!text_import') return fail(`unknown tag "${tag}"${didYouMean(tag, IMPORT_TAGS)}`);
  const url = isMap(node) ? node.get('url') : undefined;
  if (typeof url !== 'string' || !url.startsWith('file://')) return fail(`${tag} needs a mapping {url: file://PATH}`);
  let target = resolve(dirname(ctx.file), url.slice('file://'.length));
  if (ctx.shared.access && !ctx.shared.access.unrestricted) {
    // refused before the file is looked at, with one message whether it exists or not
    const real = ctx.shared.access.file(target);
    if (real === undefined) return fail(fileRefused(tag, url).message);
    target = real;
  }
  if (ctx.importStack.includes(target)) return fail(`import cycle: ${[...ctx.importStack, target].map((f) => displayPath(f)).join(' -> ')}`);
  ctx.shared.imports += 1;
  if (ctx.shared.imports > MAX_IMPORTS) return fail(`more than ${MAX_IMPORTS} imports in one description`);
  const text = readRegularFile(target, Math.min(MAX_YAML_FILE_BYTES, MAX_IMPORTED_BYTES - ctx.shared.bytes));
  if (typeof text !== 'string') return fail(`cannot read imported file "${url.slice('file://'.length)}" (${displayPath(target)}): ${text.reason}`);
  ctx.shared.bytes += text.length;
  if (tag === '!text_import') return { value: text, source: { value: { file: target, line: 1, col: 1 }, text: { line: 1, col: 1, indentCol: 1 } }, size: 1 };
  const imported = parseFile(text, target, ctx.importStack, ctx.shared);
  ctx.diagnostics.push(...imported.diagnostics);
  return { value: imported.value, source: imported.root, size: imported.size };
}
