/**
 * Hostile descriptors against the built CLI (`reef validate` / `reef apply`), each with its time and peak RSS
 * measured: every one must end at once with exit 2 and a one-line FILE:LINE:COL error, and touch nothing.
 * Defects of review 2: D1, D4, D5, D6, D7, D11, D12, D13, D22.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measurements, reefMeasured, type Measured } from './measured.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reef-sec-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(`bombs against the CLI (ms, peak RSS MiB, exit):\n${measurements.map((m) => `  ${m.what}: ${m.ms} ms, ${m.rssMiB} MiB, exit ${m.code}`).join('\n')}`);
});

const OK_NODES = "'node_def:sec_b':\n  - resource:\n      type: dummy\n";
const infra = (name: string, extra = '', node = '  - name: a\n    type: sec_b\n') => `infra_name: ${name}\n${extra}nodes:\n${node}`;

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** `reef validate` (or apply) of the two texts; the state store is the test's own. */
function run(what: string, infraText: string, nodesText = OK_NODES, command: 'validate' | 'apply' = 'validate'): Measured {
  const i = write(`${what}-infra.yaml`, infraText);
  const n = write(`${what}-nodes.yaml`, nodesText);
  return reefMeasured(what, dir, ['--state', join(dir, 'state.db'), command, i, '--nodes', n]);
}

function expectRefused(m: Measured, message: RegExp, limits = { ms: 5000, rssMiB: 200 }): void {
  expect(m.stderr).toMatch(message);
  expect(m.stderr).not.toMatch(/at .*\.js:\d+/);
  expect(m.code).toBe(2);
  expect(m.ms).toBeLessThan(limits.ms);
  expect(m.rssMiB).toBeLessThan(limits.rssMiB);
}

const laughs = (levels: number, indent = '  '): string[] => [
  `${indent}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]`,
  ...Array.from({ length: levels }, (_, k) => `${indent}a${k + 1}: &a${k + 1} [${Array(10).fill(`*a${k}`).join(',')}]`),
];

describe('YAML bombs (D4, D5, D22)', () => {
  it('a billion laughs in variables: validate and apply refuse it at once (D4)', () => {
    const text = infra('sec-bomb', `variables:\n${laughs(9).join('\n')}\n`);
    expect(text.length).toBeLessThan(1000);
    const at = /sec-bomb-validate-infra\.yaml:\d+:\d+: too many alias expansions: aliases would add more than \d+ values/;
    expectRefused(run('sec-bomb-validate', text), at);
    const a = run('sec-bomb-apply', text, OK_NODES, 'apply');
    expectRefused(a, /too many alias expansions/);
  });

  it('an alias bomb inside node definitions is refused before any walk over it (D5)', () => {
    const nodes = [...laughs(8, ''), "'node_def:sec_b':", '  - resource:', '      type: dummy', '    contextualisation: {type: cloudinit, context_template: {x: *a8}}'].join('\n');
    expectRefused(run('sec-bomb-nodes', infra('sec-bomb-nodes'), nodes), /sec-bomb-nodes-nodes\.yaml:\d+:\d+: too many alias expansions/);
  });

  it('a descriptor larger than 4 MiB is refused without being parsed (D22)', () => {
    const big = infra('sec-big', `variables:\n${Array.from({ length: 200_000 }, (_, k) => `  v${k}: "xxxxxxxxxx"`).join('\n')}\n`);
    expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
    expectRefused(run('sec-big-file', big), /sec-big-file-infra\.yaml: cannot read the file: larger than 4194304 bytes/);
  });

  it('nesting deeper than 100 levels is one line', () => {
    const deep = infra('sec-deep', `variables:\n  x: ${'['.repeat(150)}${']'.repeat(150)}\n`);
    expectRefused(run('sec-deep', deep), /sec-deep-infra\.yaml:\d+:\d+: nested more than 100 levels deep/);
  });

  it('a __proto__ key is refused where it is (D12)', () => {
    const m = run('sec-proto', infra('sec-proto', '', '  - name: a\n    type: sec_b\n    __proto__: {scaling: {min: 1000000, max: 1000000}}\n'));
    expectRefused(m, /sec-proto-infra\.yaml:5:5: the key "__proto__" is not allowed/);
  });
});

describe('imports read regular files only (D7)', () => {
  it('/dev/zero, a FIFO and a directory are one-line errors, without blocking', () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    for (const [what, url] of [['sec-zero', 'file:///dev/zero'], ['sec-fifo', 'file://fifo'], ['sec-dir', 'file://.']] as const) {
      const m = run(what, infra(what, `variables: {x: !text_import {url: "${url}"}}\n`));
      expectRefused(m, new RegExp(`${what}-infra\\.yaml:2:16: cannot read imported file .*: (not a regular file|is a directory)`));
    }
  });

  it('an imported file over the size limit is refused', () => {
    write('huge.txt', 'x'.repeat(4 * 1024 * 1024 + 1));
    expectRefused(run('sec-huge-import', infra('sec-huge-import', 'variables: {x: !text_import {url: "file://huge.txt"}}\n')), /larger than 4194304 bytes/);
  });
});

describe('scaling counts (D11)', () => {
  it.each([
    ['sec-million', '{min: 1000000}', /scaling min \(1000000\) is above the ceiling of 10000 instances per node/],
    ['sec-1e308', '{min: 1e308, max: 1e308}', /scaling min \(1e\+308\) is above the ceiling/],
    ['sec-inf', '{min: .inf}', /scaling min must be a finite integer, got Infinity/],
  ])('%s', (what, scaling, message) => {
    expectRefused(run(what, infra(what, '', `  - name: a\n    type: sec_b\n    scaling: ${scaling}\n`)), message);
  });

  it('the ceiling is configurable (REEF_MAX_INSTANCES_PER_NODE)', () => {
    const i = write('sec-ceiling-infra.yaml', infra('sec-ceiling', '', '  - name: a\n    type: sec_b\n    scaling: {min: 3}\n'));
    const n = write('sec-ceiling-nodes.yaml', OK_NODES);
    const args = ['--state', join(dir, 'state.db'), 'validate', i, '--nodes', n];
    expect(reefMeasured('sec-ceiling-3', dir, args, 30_000, { REEF_MAX_INSTANCES_PER_NODE: '3' }).code).toBe(0);
    expectRefused(reefMeasured('sec-ceiling-2', dir, args, 30_000, { REEF_MAX_INSTANCES_PER_NODE: '2' }), /scaling min \(3\) is above the ceiling of 2 instances per node/);
  });
});

describe('templates through the CLI (D1, D6, D13)', () => {
  const tpl = (what: string, template: string) => run(what, infra(what), `'node_def:sec_b':\n  - resource:\n      type: dummy\n    contextualisation:\n      type: cloudinit\n      context_template: |\n        x: ${template}\n`);

  it('the D1 payload is refused by validate and runs nothing', () => {
    const pwned = join(dir, 'pwned');
    const m = tpl('sec-d1', `{{ ''[['constructor']][['constructor']]('process.getBuiltinModule("fs").writeFileSync("${pwned}", "x"); return "ok"')() }}`);
    expectRefused(m, /sec-d1-nodes\.yaml:7:\d+: for node "a": template error: cannot call/);
    expect(existsSync(pwned)).toBe(false);
  });

  it('range(10^12) and 10^10 loop iterations end at once, with the template position (D6)', () => {
    expectRefused(tpl('sec-range', '{{ range(1000000000000) | length }}'), /sec-range-nodes\.yaml:7:\d+: for node "a": template error: range\(\) of 1000000000000 numbers: at most 10000/);
    expectRefused(tpl('sec-loops', '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}'), /loops run more than 100000 times|range\(\) of 100000 numbers/);
    expectRefused(tpl('sec-loops2', '{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}'), /sec-loops2-nodes\.yaml:7:\d+: .*loops run more than 100000 times in one template/);
  });

  it('what fails when rendered is reported by validate (D13)', () => {
    expectRefused(tpl('sec-d13', "{{ ''.constructor.constructor('x')() }}"), /template error: cannot call/);
    expectRefused(tpl('sec-d13b', "{% set s = 'xxxxxxxxxxxxxxxx' %}{% for i in range(30) %}{% set s = s ~ s %}{% endfor %}{{ s }}"), /string longer than 4194304 characters/);
  });
});
