/**
 * Diagnostics: one problem in a descriptor, with the exact place it was found. Everything the schema layer
 * rejects ends up as a list of these inside one SpecError, so a user sees every problem in one run.
 */
import { isAbsolute, relative } from 'node:path';
import { FatalError } from '../errors/index.js';

export interface Diagnostic {
  file: string;
  /** 1-based; 0 when the problem has no place in a file (a command-line flag). */
  line: number;
  /** 1-based; 0 when unknown. */
  col: number;
  message: string;
  /** the field, e.g. `nodes[1].scaling.min`; '' for the whole document. */
  path: string;
}

export type JsonPath = ReadonlyArray<string | number>;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['nodes', 1, 'scaling', 'min']` → `nodes[1].scaling.min`; odd keys are quoted: `["node_def:web"][0]`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (PLAIN_KEY.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Paths inside the working directory are shown relative to it, as compilers do. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** `FILE:LINE:COL: message (field path)`; the position and the field are left out when unknown. */
export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  const where = d.line > 0 ? `${displayPath(d.file, cwd)}:${d.line}:${d.col}` : displayPath(d.file, cwd);
  const field = d.path === '' ? '' : ` (field ${d.path})`;
  return `${where}: ${d.message}${field}`;
}

/** Sorted by file (in order of first appearance) then position, duplicates dropped (one template may be probed once per node using it). */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = list.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.message}\0${d.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const fileRank = new Map<string, number>();
  for (const d of unique) if (!fileRank.has(d.file)) fileRank.set(d.file, fileRank.size);
  return unique.sort((a, b) => fileRank.get(a.file)! - fileRank.get(b.file)! || a.line - b.line || a.col - b.col);
}

/** Invalid descriptor: carries every diagnostic; the message is one formatted line per diagnostic. */
export class SpecError extends FatalError {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    super('REEF_SPEC_INVALID', diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
    this.diagnostics = diagnostics;
  }
}

/** Throws a SpecError when the list is not empty. */
export function throwIfAny(diagnostics: Diagnostic[]): void {
  if (diagnostics.length > 0) throw new SpecError(sortDiagnostics(diagnostics));
}
