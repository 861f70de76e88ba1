/**
 * Where each value of a loaded YAML document came from: a tree parallel to the plain JS value, so a JSON path
 * (from ajv or from our own checks) maps back to FILE:LINE:COL, even into imported files.
 */
import type { JsonPath } from './diagnostics.js';

export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** How the characters of a string value are laid out in its source, so a template's own line:col maps back. */
export interface TextLayout {
  /** where the string's first character is. */
  line: number;
  col: number;
  /** column of the first character of every following line (block scalars, imported text). */
  indentCol: number;
}

export interface SourceNode {
  /** position of the key in its parent mapping (none for list items and the root). */
  key?: SourcePos;
  /** position of the value; the key's when the value is missing (`scaling:`). */
  value: SourcePos;
  children?: Map<string | number, SourceNode>;
  text?: TextLayout;
}

/** The nearest known position for `path`: of the value (default) or of its key; an ancestor's when absent. */
export function locateIn(root: SourceNode, path: JsonPath, at: 'key' | 'value' = 'value'): SourcePos {
  let node = root;
  for (const part of path) {
    const child = node.children?.get(part);
    if (child === undefined) return node.value;
    node = child;
  }
  return at === 'key' ? (node.key ?? node.value) : node.value;
}

/** The node at exactly `path`, if the document has it. */
export function nodeAt(root: SourceNode, path: JsonPath): SourceNode | undefined {
  let node: SourceNode | undefined = root;
  for (const part of path) node = node?.children?.get(part);
  return node;
}

/** Maps a 1-based line:col inside the string at `path` to the source; the string's own position if unknown. */
export function locateInTextOf(root: SourceNode, path: JsonPath, line: number, col: number): SourcePos {
  const node = nodeAt(root, path);
  if (node === undefined) return locateIn(root, path);
  const layout = node.text;
  if (layout === undefined) return node.value;
  if (line <= 1) return { file: node.value.file, line: layout.line, col: layout.col + col - 1 };
  return { file: node.value.file, line: layout.line + line - 1, col: layout.indentCol + col - 1 };
}
