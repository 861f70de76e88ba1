/**
 * YAML that arrives in a request body. Import tags are refused there: `!text_import {url: file:///etc/…}`
 * would read the server's files on a client's behalf. (A CLI with `--server` inlines its imports first.)
 */
import { LineCounter, parseDocument, visit, isNode } from 'yaml';
import { SpecError, type Diagnostic } from '../schemas/index.js';

export const REQUEST_BODY = '<request body>';
export const REQUEST_BODY_NODES = '<request body: nodes>';
const IMPORT_TAG = /^!(yaml|text)_import$/;

export function refuseImports(text: string, file: string): void {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1', uniqueKeys: false });
  if (doc.errors.length > 0) return; // the schema loader reports syntax errors with their positions
  const found: Diagnostic[] = [];
  visit(doc, (_key, node) => {
    if (!isNode(node) || !node.tag || !IMPORT_TAG.test(node.tag)) return;
    const pos = lines.linePos(node.range?.[0] ?? 0);
    found.push({ file, line: pos.line, col: pos.col, path: '', message: `${node.tag} is not allowed in a request body (the server does not read its own files for a client); inline the imported file` });
  });
  if (found.length > 0) throw new SpecError(found);
}
