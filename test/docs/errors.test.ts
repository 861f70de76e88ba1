import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
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
