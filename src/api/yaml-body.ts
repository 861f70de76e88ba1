/**
 * YAML that arrives in a request body. Refused there, so a token holder cannot reach into the server:
 * - import tags: `!text_import {url: file:///etc/…}` would read the server's files on a client's behalf
 *   (a CLI with `--server` inlines its imports first), unless the operator allowed directories (--allow-files):
 *   then the loader reads only files inside them;
 * - templates that name `constructor`, `__proto__` or `prototype`: an extra layer only — the template
 *   evaluator (schemas/template-eval.ts) cannot reach JavaScript whatever a template says.
 */
import { LineCounter, parseDocument, visit, isNode, isScalar } from 'yaml';
import { SpecError, type Diagnostic } from '../schemas/index.js';

export const REQUEST_BODY = '<request body>';
export const REQUEST_BODY_NODES = '<request body: nodes>';
const IMPORT_TAG = /^!(yaml|text)_import$/;
const TEMPLATE = /\{\{|\{%/;
const JS_INTERNALS = /\b(constructor|__proto__|prototype)\b/;

/** `importsAllowed`: reef serve --allow-files was given; the loader then checks every imported file against it. */
export function refuseUnsafeYaml(text: string, file: string, importsAllowed = false): void {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1', uniqueKeys: false });
  if (doc.errors.length > 0) return; // the schema loader reports syntax errors with their positions
  const found: Diagnostic[] = [];
  visit(doc, (_key, node) => {
    if (!isNode(node)) return;
    const pos = () => lines.linePos(node.range?.[0] ?? 0);
    if (node.tag && IMPORT_TAG.test(node.tag)) {
      if (importsAllowed) return;
      found.push({ file, ...pos(), path: '', message: `${node.tag} is not allowed in a request body (the server does not read its own files for a client; the operator may allow a directory: reef serve --allow-files DIR); inline the imported file` });
    } else if (isScalar(node) && typeof node.value === 'string' && TEMPLATE.test(node.value) && JS_INTERNALS.test(node.value)) {
      found.push({ file, ...pos(), path: '', message: `a template may not use "${JS_INTERNALS.exec(node.value)![1]}" (it would reach JavaScript internals on the server)` });
    }
  });
  if (found.length > 0) throw new SpecError(found);
}
