/**
 * D1 (critical): a template could reach Function through a computed or array key and run JavaScript in reef.
 * The evaluator walks nunjucks' syntax tree itself; these tests hold it to "data in, string out".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../../src/reconcilers/errors.js';
import { TemplateError, renderTemplate } from '../../src/schemas/template.js';
import { ESCAPE_PAYLOADS } from './payloads.js';
import { TRIPWIRE_CODE, securityScope, tripped } from './helpers.js';

const scope = securityScope({ port: 80, list: ['a', 'b'], nested: { k: 'v' } });

/** Output that would mean a JavaScript function or object leaked into the rendered text. */
const LEAK = /native code|function\s*\w*\s*\(|\[object (?!Object\])|=>/;

function outcome(template: string, limits = {}): { ok?: string; error?: Error } {
  try {
    return { ok: renderTemplate(template, scope, { limits }) };
  } catch (e) {
    return { error: e as Error };
  }
}

describe('template sandbox: known escape payloads', () => {
  it.each(ESCAPE_PAYLOADS.map((p) => [p.replaceAll("'TRIP'", `'${TRIPWIRE_CODE}'`)]))('%s', (payload) => {
    const { ok, error } = outcome(payload);
    expect(tripped()).toBe(false);
    if (error !== undefined) expect(error).toBeInstanceOf(TemplateError);
    else expect(ok).not.toMatch(LEAK);
  });

  it('the review D1 payload is refused with a clear message', () => {
    const { error } = outcome(`{{ ''[['constructor']][['constructor']]('${TRIPWIRE_CODE}')() }}`);
    expect(error).toBeInstanceOf(TemplateError);
    expect(error!.message).toMatch(/^template error: cannot call .*the functions templates may call are getip, getprivip, getipall, cut, range$/);
    expect(tripped()).toBe(false);
  });

  it('lookups see own data only: inherited and accessor properties are missing', () => {
    const withGetter = Object.defineProperty({ plain: 'p' }, 'secret', { get: () => 'leaked', enumerable: true });
    const s = securityScope({ g: withGetter, proto: Object.create({ inherited: 'leaked' }) });
    expect(renderTemplate('{{ variables.g.plain }}', s)).toBe('p');
    expect(() => renderTemplate('{{ variables.g.secret }}', s)).toThrow('unknown variable "variables.g.secret"');
    expect(() => renderTemplate('{{ variables.proto.inherited }}', s)).toThrow('unknown variable "variables.proto.inherited"');
  });
});

describe('template limits (D6)', () => {
  it('range() is capped', () => {
    const t0 = performance.now();
    const { error } = outcome('{{ range(1000000000000) | length }}');
    expect(error?.message).toBe('template error: range() of 1000000000000 numbers: at most 10000');
    expect((error as TemplateError).templateLine).toBe(1);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('nested loops stop at the iteration cap, within the time budget', () => {
    const t0 = performance.now();
    const { error } = outcome('{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}x');
    expect(error?.message).toBe('template error: loops run more than 100000 times in one template');
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('the time budget ends a render that stays under the other caps', () => {
    const t0 = performance.now();
    const { error } = outcome('{% for a in range(10000) %}{% for b in range(10000) %}{{ a ~ b }}{% endfor %}{% endfor %}', {
      timeMs: 100, maxIterations: 1e12, maxSteps: 1e12, maxOutputChars: 1e12,
    });
    expect(error?.message).toBe('template error: template takes too long (over 100 ms)');
    expect(performance.now() - t0).toBeLessThan(600);
  });

  it('strings and output are capped', () => {
    expect(outcome("{% set s = 'xxxxxxxx' %}{% for i in range(30) %}{% set s = s ~ s %}{% endfor %}{{ s | length }}").error?.message)
      .toBe('template error: string longer than 4194304 characters');
    expect(outcome("{% for i in range(10000) %}{% for j in range(9) %}{{ 'x' * 1 }}{{ '" + 'y'.repeat(100) + "' }}{% endfor %}{% endfor %}", { maxOutputChars: 100_000 }).error?.message)
      .toBe('template error: output longer than 100000 characters');
    expect(outcome("{{ 'x' | center(1000000000) }}").error?.message).toBe('template error: center(1000000000) is larger than 10000');
    expect(outcome("{{ 'x' | indent(1000000000) }}").error?.message).toBe('template error: indent(1000000000) is larger than 10000');
    expect(outcome("{{ [1] | batch(1000000000, 'x') }}").error?.message).toBe('template error: batch(1000000000) is larger than 10000');
    const big = "{% set s = 'x' ~ ('" + 'y'.repeat(1000) + "' | replace('', '" + 'z'.repeat(5000) + "')) %}";
    expect(outcome(big).error?.message).toBe('template error: replace would build more than 4194304 characters');
  });

  it('joining filters refuse results over the cap without building them', () => {
    const s = "{% set s = '" + 'x'.repeat(1000) + "' %}{% set t = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set u = t ~ t ~ t ~ t ~ t ~ t ~ t ~ t %}";
    const many = `[${Array.from({ length: 200 }, () => 'u').join(',')}]`;
    expect(outcome(`${s}{{ ${many} | join }}`).error?.message).toBe('template error: join would build more than 4194304 characters');
    expect(outcome(`${s}{{ ${many} | dump }}`).error?.message).toBe('template error: dump would build more than 4194304 characters');
    expect(outcome(`${s}{{ ${many} | sum }}`).error?.message).toBe('template error: sum would build more than 4194304 characters');
  });

  it('deep nesting is an error, not a crash', () => {
    const deep = `{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`;
    expect(outcome(deep).error).toBeInstanceOf(TemplateError);
  });
});

// ---- property-based fuzz ----

const DANGEROUS = ['constructor', '__proto__', 'prototype', 'call', 'apply', 'bind', 'toString', 'valueOf', '__defineGetter__',
  '__lookupGetter__', 'hasOwnProperty', 'process', 'require', 'mainModule', 'global', 'globalThis', 'Function', 'eval', 'length', 'val'];
const NAMES = ['variables', 'infra_id', 'name', 'node_id', 'ip', 'getip', 'getipall', 'cut', 'range', 'loop', 'x', 'cycler', 'self', 'this', ...DANGEROUS];
const FILTER_NAMES = ['string', 'list', 'safe', 'escape', 'join', 'first', 'last', 'dump', 'groupby', 'dictsort', 'length', 'b64encode', 'attr', 'map'];
const code = `'${TRIPWIRE_CODE}'`;

const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  atom: fc.oneof(
    fc.constantFrom(...NAMES),
    fc.constantFrom(...DANGEROUS).map((d) => `'${d}'`),
    fc.constantFrom("''", '[]', '{}', '1', 'none', code, "['constructor']", "'constr' ~ 'uctor'", "getipall('db')", 'range(3)'),
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom') as fc.Arbitrary<string>,
    fc.tuple(tie('expr') as fc.Arbitrary<string>, fc.constantFrom(...DANGEROUS)).map(([e, k]) => `(${e}).${k}`),
    fc.tuple(tie('expr') as fc.Arbitrary<string>, tie('expr') as fc.Arbitrary<string>).map(([e, k]) => `(${e})[${k}]`),
    fc.tuple(tie('expr') as fc.Arbitrary<string>, tie('expr') as fc.Arbitrary<string>).map(([e, a]) => `(${e})(${a})`),
    fc.tuple(tie('expr') as fc.Arbitrary<string>).map(([e]) => `(${e})()`),
    fc.tuple(tie('expr') as fc.Arbitrary<string>, fc.constantFrom(...FILTER_NAMES)).map(([e, f]) => `(${e} | ${f})`),
    fc.tuple(tie('expr') as fc.Arbitrary<string>, tie('expr') as fc.Arbitrary<string>).map(([a, b]) => `(${a} ~ ${b})`),
  ),
})).expr;

const template: fc.Arbitrary<string> = fc.oneof(
  expr.map((e) => `{{ ${e} }}`),
  fc.tuple(expr, expr).map(([a, b]) => `{% set k = ${a} %}{{ (${b})[k][k](${code})() }}`),
  fc.tuple(expr, expr).map(([a, b]) => `{% for x in ${a} %}{{ x[${b}] }}{% endfor %}`),
  fc.tuple(expr, expr).map(([a, b]) => `{% if ${a} %}{{ ${b} }}{% endif %}`),
);

describe('template evaluator fuzz', () => {
  it('no template reaches code, leaks a function, or outlives its budget', () => {
    fc.assert(
      fc.property(template, (t) => {
        const t0 = performance.now();
        const { ok, error } = outcome(t, { timeMs: 200 });
        const took = performance.now() - t0;
        if (tripped()) return false;
        if (took > 1000) return false;
        if (error !== undefined) return error instanceof TemplateError || error instanceof TransientError;
        return !LEAK.test(ok ?? '');
      }),
      { numRuns: 3000, seed: 20261202 },
    );
    expect(tripped()).toBe(false);
  });
});
