/**
 * Property-based fuzz of the descriptor loader (what `reef validate` runs): 1,000 generated inputs through
 * compileInfra in-process, and a few dozen through the CLI. Every outcome must be a spec, or a SpecError whose
 * every message line names its place (`FILE:LINE:COL: message`, or `FILE: message` when there is no place);
 * never another exception, never a stack trace. FUZZ_SEED=n replays another sequence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { compileInfra, SpecError } from '../../src/schemas/index.js';
import { builtinResourceSchemas } from '../../src/reconcilers/builtin.js';
import { REEF, ROOT } from '../helpers/cli.js';
import { caseArbitrary, loadCorpus, type Case, type Pair } from './corpus.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const WITH_PLACE = /^.+:\d+:\d+: .+/;
const FILE_ONLY = /^[^:\n]+: .+/;
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
const schemas = builtinResourceSchemas();

let scratch: string;
let pairs: Pair[];
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'reef-fuzz-'));
  pairs = loadCorpus(ROOT, scratch);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes the case next to its pair's originals (so relative imports resolve); returns the two paths. */
function writeCase(c: Case, dir: string, nodesRel: string): { infra: string; nodes: string } {
  const infra = join(dir, 'fuzz-infra.yaml');
  const nodes = join(dir, dirname(nodesRel), 'fuzz-nodes.yaml');
  writeFileSync(infra, c.infraText);
  writeFileSync(nodes, c.nodesText);
  return { infra, nodes };
}

function badLines(message: string): string[] {
  return message.split('\n').filter((l) => !WITH_PLACE.test(l) && !FILE_ONLY.test(l));
}

function compileOutcome(paths: { infra: string; nodes: string }): 'spec' | 'spec-error' {
  try {
    const spec = compileInfra({ infraFile: paths.infra, nodesFile: paths.nodes, resourceSchemas: schemas });
    expect(typeof spec.id).toBe('string');
    expect(Array.isArray(spec.nodes)).toBe(true);
    return 'spec';
  } catch (e) {
    if (!(e instanceof SpecError)) {
      throw new Error(`not a SpecError: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
    }
    expect(badLines(e.message)).toEqual([]);
    expect(e.message).not.toMatch(STACK_LINE);
    return 'spec-error';
  }
}

describe('descriptor loader fuzz', () => {
  it('the unmutated corpus compiles', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(5);
    for (const p of pairs) {
      const paths = writeCase({ pair: 0, infraText: p.infraText, nodesText: p.nodesText, origin: 'mutated-infra' }, p.dir, p.nodesRel);
      expect(compileOutcome(paths), p.dir).toBe('spec');
    }
  });

  it('1,000 generated inputs through compileInfra: a spec or a SpecError with placed lines, nothing else', () => {
    const seen = { spec: 0, 'spec-error': 0 };
    fc.assert(
      fc.property(caseArbitrary(pairs), (c) => {
        const p = pairs[c.pair];
        seen[compileOutcome(writeCase(c, p.dir, p.nodesRel))]++;
      }),
      { numRuns: 1000, seed: SEED },
    );
    // the generator explores both sides (mutations that keep a descriptor valid, and ones that break it)
    expect(seen['spec-error']).toBeGreaterThan(300);
    expect(seen.spec).toBeGreaterThan(10);
  }, 120_000);

  it('24 generated inputs through `reef validate`: exit 0 or 2, placed lines only, no stack trace', async () => {
    const cases = fc.sample(caseArbitrary(pairs), { numRuns: 24, seed: SEED + 1 });
    const results: Array<{ code: number | null; stderr: string; origin: string }> = [];
    const runOne = async (c: Case, i: number) => {
      const dir = join(scratch, `cli-${i}`);
      cpSync(pairs[c.pair].dir, dir, { recursive: true });
      writeCase(c, dir, pairs[c.pair].nodesRel);
      const child = spawn(process.execPath, [REEF, 'validate', 'fuzz-infra.yaml', '--nodes', join(dirname(pairs[c.pair].nodesRel), 'fuzz-nodes.yaml')], {
        cwd: dir, env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'warn', REEF_STATE: join(dir, '.reef', 'state.db') },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      results.push({ code, stderr, origin: c.origin });
    };
    // four at a time: each is a Node start-up
    for (let i = 0; i < cases.length; i += 4) await Promise.all(cases.slice(i, i + 4).map((c, k) => runOne(c, i + k)));
    for (const r of results) {
      expect([0, 2], r.stderr).toContain(r.code);
      expect(r.stderr).not.toMatch(STACK_LINE);
      if (r.code === 2) expect(badLines(r.stderr.trimEnd()), r.stderr).toEqual([]);
    }
    expect(results.filter((r) => r.code === 2).length).toBeGreaterThan(5);
  }, 120_000);
});
