/**
 * Inputs for the descriptor-loader fuzz: valid descriptor pairs (examples/, test/fixtures/good/) copied to a
 * scratch folder so their relative imports still resolve, text mutations of them, and YAML-ish token soup.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

export interface Pair {
  /** scratch copy of the source folder; generated files are written next to the originals */
  dir: string;
  infraText: string;
  nodesText: string;
  /** where the nodes file sits inside dir (node_definitions may live in a subfolder with imports beside it) */
  nodesRel: string;
}

/** Copies every folder that holds an infra description and node definitions into `scratch`. */
export function loadCorpus(root: string, scratch: string): Pair[] {
  const sources = [
    ...readdirSync(join(root, 'examples')).map((d) => join(root, 'examples', d)),
    ...readdirSync(join(root, 'test/fixtures/good')).map((d) => join(root, 'test/fixtures/good', d)),
    join(root, 'test/fixtures/cli'),
  ];
  const pairs: Pair[] = [];
  sources.forEach((src, i) => {
    const infra = readdirSync(src).find((f) => /^infra.*\.ya?ml$/.test(f));
    const nodesRel = ['nodes.yaml', 'nodes/node_definitions.yaml'].find((f) => existsSync(join(src, f)));
    if (!infra || !nodesRel) return;
    const dir = join(scratch, `c${i}`);
    cpSync(src, dir, { recursive: true });
    pairs.push({ dir, infraText: readFileSync(join(src, infra), 'utf8'), nodesText: readFileSync(join(src, nodesRel), 'utf8'), nodesRel });
  });
  return pairs;
}

const TOKENS = [
  'infra_name: ', 'nodes:\n', '  - name: ', '    type: ', '    scaling:\n', '      min: ', '      max: ', 'dependencies:\n',
  '  - [ ', ' ]\n', '&A ', '*A', '*B', '!yaml_import ', '!text_import ', '{url: file://missing.yaml}', 'variables:\n',
  "'node_def:t':\n", '  - resource:\n', '      type: dummy\n', '      type: docker\n', '      image: x\n', 'health_check:\n',
  'contextualisation:\n', 'context_template: |\n', '{{ ', ' }}', "{{ getip('h') }}", '{% for x in y %}', '<<: *A\n', '---\n',
  '...\n', '? ', ': ', '- ', '\n', '  ', '    ', '\t', '#', '"', "'", '[', ']', '{', '}', ',', '|', '>', '%YAML 1.2\n',
  '!!binary ', '!!str ', '!!map ', 'null', '~', 'true', '0x1F', '.inf', '1e400', '-1', '\u00e9', '\u{1F600}', '\r\n', '\0',
];

export const yamlishText = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 }), fc.integer().map(String)), { maxLength: 80 })
  .map((parts) => parts.join(''));

type Mutation =
  | { kind: 'delete' | 'duplicate' | 'truncate'; at: number }
  | { kind: 'swap'; at: number; other: number }
  | { kind: 'indent'; at: number; delta: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'char'; at: number; ch: string }
  | { kind: 'scalar'; at: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const, 'truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), delta: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('char' as const), at: fc.nat(), ch: fc.constantFrom(...':-[]{}&*!|>#"\' \t\n%@`,?'.split('')) }),
  fc.record({
    kind: fc.constant('scalar' as const),
    at: fc.nat(),
    value: fc.oneof(fc.integer().map(String), fc.constantFrom('-1', '0', '1.5', '1e9', 'null', '~', 'true', '""', '[]', '{}', 'x'.repeat(300), '*A', '&A x'), fc.string({ maxLength: 10 })),
  }),
);

function apply(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = m.at % Math.max(1, lines.length);
  switch (m.kind) {
    case 'delete': lines.splice(i, 1); break;
    case 'duplicate': lines.splice(i, 0, lines[i] ?? ''); break;
    case 'truncate': return text.slice(0, m.at % (text.length + 1));
    case 'swap': { const j = m.other % lines.length; [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
    case 'indent': lines[i] = m.delta >= 0 ? ' '.repeat(m.delta) + lines[i] : lines[i].slice(Math.min(-m.delta, lines[i].search(/\S|$/))); break;
    case 'insert': { const at = m.at % (text.length + 1); return text.slice(0, at) + m.text + text.slice(at); }
    case 'char': { const at = m.at % Math.max(1, text.length); return text.slice(0, at) + m.ch + text.slice(at + 1); }
    case 'scalar': { const c = lines[i].indexOf(': '); lines[i] = c < 0 ? `${lines[i]}: ${m.value}` : `${lines[i].slice(0, c + 2)}${m.value}`; break; }
  }
  return lines.join('\n');
}

export interface Case {
  pair: number;
  infraText: string;
  nodesText: string;
  origin: 'mutated-infra' | 'mutated-nodes' | 'random-infra' | 'random-nodes';
}

/** One fuzz case over `pairs`: a mutated valid pair, or token soup in place of one of its files. */
export function caseArbitrary(pairs: Pair[]): fc.Arbitrary<Case> {
  const pair = fc.nat({ max: pairs.length - 1 });
  const mutated = fc.tuple(pair, fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([p, infra, ms]): Case => {
    const { infraText, nodesText } = pairs[p];
    return infra
      ? { pair: p, infraText: ms.reduce(apply, infraText), nodesText, origin: 'mutated-infra' }
      : { pair: p, infraText, nodesText: ms.reduce(apply, nodesText), origin: 'mutated-nodes' };
  });
  const random = fc.tuple(pair, fc.boolean(), yamlishText).map(([p, infra, text]): Case =>
    infra
      ? { pair: p, infraText: text, nodesText: pairs[p].nodesText, origin: 'random-infra' }
      : { pair: p, infraText: pairs[p].infraText, nodesText: text, origin: 'random-nodes' },
  );
  return fc.oneof({ arbitrary: mutated, weight: 3 }, { arbitrary: random, weight: 2 });
}
