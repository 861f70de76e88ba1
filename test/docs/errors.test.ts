import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { renderErrorsDoc } from '../../src/errors/doc.js';
import { CATALOGUE, CLASS_POLICY, entryOf } from '../../src/errors/index.js';

// the catalogue declares the codes (and doc.ts renders them); every other source file raises them
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (p === join(ROOT, 'src/errors/catalogue.ts') || p === join(ROOT, 'src/errors/doc.ts')) return [];
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

const CODE = /['"`](REEF_[A-Z0-9_]*[A-Z0-9])['"`]/g;

describe('docs/errors.md', () => {
  const inSource = new Set(sources(join(ROOT, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(CODE)].map((m) => m[1])));
  const documented = new Set([...readFileSync(join(ROOT, 'docs/errors.md'), 'utf8').matchAll(/^\| `(REEF_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]));

  it('documents every error code the source raises', () => {
    expect([...inSource].filter((c) => !documented.has(c)).sort()).toEqual([]);
  });

  it('lists no code the source no longer has', () => {
    expect([...documented].filter((c) => !inSource.has(c)).sort()).toEqual([]);
  });
});

describe('the error catalogue', () => {
  const files = sources(join(ROOT, 'src'));

  it('is what docs/errors.md shows (regenerate with npm run docs:errors)', () => {
    expect(readFileSync(join(ROOT, 'docs/errors.md'), 'utf8')).toBe(renderErrorsDoc());
  });

  it('declares every code the source raises', () => {
    const raised = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(CODE)].map((m) => m[1])));
    expect([...raised].filter((c) => !entryOf(c)).sort()).toEqual([]);
    expect(Object.keys(CATALOGUE).filter((c) => !raised.has(c)).sort()).toEqual([]);
  });

  it('agrees with every TransientError/FatalError constructed with a literal code', () => {
    const ctor = /(?:new (Transient|Fatal)Error|extends (Transient|Fatal)Error[^]*?super)\(\s*'(REEF_[A-Z0-9_]+)'/g;
    const wrong: string[] = [];
    let seen = 0;
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(ctor)) {
        seen++;
        const retried = (m[1] ?? m[2]) === 'Transient';
        const entry = entryOf(m[3]);
        const classes = entry ? [entry.class, ...(entry.alsoAs ?? [])] : [];
        if (!classes.some((c) => CLASS_POLICY[c].retried === retried)) wrong.push(`${relative(ROOT, f)}: ${m[0].replace(/\s+/g, ' ')}`);
      }
    }
    expect(seen).toBeGreaterThan(80);
    expect(wrong).toEqual([]);
  });
});
