import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadYamlFile, loadYamlText } from './load.js';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'reef-load-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe('loadYamlFile', () => {
  it('maps paths to line:col of values, of keys, and of the key when the value is missing', () => {
    const doc = loadYamlText('a:\n  b: [1, 2]\n  c:\n', '/x/infra.yaml');
    expect(doc.value).toEqual({ a: { b: [1, 2], c: null } });
    expect(doc.locate(['a', 'b', 1])).toEqual({ file: '/x/infra.yaml', line: 2, col: 10 });
    expect(doc.locate(['a', 'b'], 'key')).toEqual({ file: '/x/infra.yaml', line: 2, col: 3 });
    expect(doc.locate(['a', 'c'])).toEqual({ file: '/x/infra.yaml', line: 3, col: 3 });
    expect(doc.locate(['a', 'nope', 'deeper'])).toEqual({ file: '/x/infra.yaml', line: 2, col: 3 });
  });

  it('resolves aliases to the very same object as their anchor', () => {
    const doc = loadYamlText('nodes:\n  - &S {name: s}\n  - &R {name: r}\ndeps:\n  - [ *S, *R ]\n', '/x/i.yaml');
    const v = doc.value as { nodes: object[]; deps: object[][] };
    expect(v.deps[0][0]).toBe(v.nodes[0]);
    expect(v.deps[0][1]).toBe(v.nodes[1]);
    expect(doc.locate(['deps', 0, 1])).toMatchObject({ line: 5, col: 11 });
    expect(doc.locate(['deps', 0, 1, 'name'])).toMatchObject({ line: 3, col: 15 });
  });

  it('reads scalars as PyYAML does (yes/no/on/off booleans, but y and n stay strings)', () => {
    expect(loadYamlText('a: yes\nb: Off\nc: y\nn: 1\nd: False\n', '/x/i.yaml').value).toEqual({ a: true, b: false, c: 'y', n: 1, d: false });
  });

  it('supports << merge keys, explicit keys winning', () => {
    const doc = loadYamlText('base: &B {a: 1, b: 2}\nm:\n  <<: *B\n  b: 3\n', '/x/i.yaml');
    expect((doc.value as { m: object }).m).toEqual({ a: 1, b: 3 });
    expect(doc.locate(['m', 'a'])).toMatchObject({ line: 1, col: 14 });
  });

  it('imports YAML and text relative to the including file, nested, with positions inside the imported file', () => {
    const d = dir({
      'main.yaml': 'v: !yaml_import {url: file://a.yaml}\n',
      'a.yaml': 'inner: !yaml_import {url: file://b.yaml}\n',
      'b.yaml': 'x:\n  y: !text_import {url: file://t.txt}\n',
      't.txt': 'line 1\nline {{ two }}\n',
    });
    const doc = loadYamlFile(join(d, 'main.yaml'));
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ v: { inner: { x: { y: 'line 1\nline {{ two }}\n' } } } });
    expect(doc.locate(['v', 'inner', 'x'])).toEqual({ file: join(d, 'b.yaml'), line: 2, col: 3 });
    expect(doc.locateInText(['v', 'inner', 'x', 'y'], 2, 6)).toEqual({ file: join(d, 't.txt'), line: 2, col: 6 });
  });

  it('treats file:///abs as an absolute path (not prefixed like Occopus does)', () => {
    const d = dir({ 'abs.yaml': 'k: 1\n' });
    const doc = loadYamlText(`v: !yaml_import {url: file://${join(d, 'abs.yaml')}}\n`, '/elsewhere/i.yaml');
    expect(doc.value).toEqual({ v: { k: 1 } });
  });

  it('maps template lines inside block literals', () => {
    const doc = loadYamlText('a:\n  t: |\n    one\n      {{ two }}\n', '/x/i.yaml');
    expect(doc.locateInText(['a', 't'], 2, 3)).toEqual({ file: '/x/i.yaml', line: 4, col: 7 });
    expect(doc.locateInText(['a', 't'], 1, 1)).toEqual({ file: '/x/i.yaml', line: 3, col: 5 });
  });

  it('reports duplicate keys, a self-referencing alias and a syntax error with positions', () => {
    expect(loadYamlText('a: 1\nb: 2\na: 3\n', '/x/i.yaml').diagnostics).toEqual([
      { file: '/x/i.yaml', line: 3, col: 1, message: 'duplicate key "a"', path: 'a' },
    ]);
    expect(loadYamlText('a: &A {b: *A}\n', '/x/i.yaml').diagnostics.map((d) => d.message)).toEqual(['alias *A refers to itself']);
    const syntax = loadYamlText('a: [1\n', '/x/i.yaml').diagnostics;
    expect(syntax).toHaveLength(1);
    expect(syntax[0].message).toMatch(/^YAML syntax error: /);
    expect(syntax[0].line).toBeGreaterThan(0);
  });

  it('an empty file is null', () => {
    expect(loadYamlText('', '/x/i.yaml').value).toBeNull();
  });
});
