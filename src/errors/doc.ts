/** docs/errors.md, rendered from the catalogue (scripts/gen-errors-doc.ts writes it; a test compares). */
import { CLASS_POLICY, ERROR_CLASSES } from './classes.js';
import { CATALOGUE, type CatalogueEntry } from './catalogue.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderErrorsDoc(): string {
  const lines = [
    '# reef error codes',
    '',
    '<!-- generated from src/errors/catalogue.ts by `npm run docs:errors`; edit the catalogue, not this file -->',
    '',
    "Every error reef raises is a `ReefError` with one of these codes. Each code has a *class*, and the class alone decides",
    "what happens: whether the engine retries (with exponential backoff until the node's `health_check.timeout`), the CLI's",
    'exit code, the API\'s HTTP status, and whether the endpoint limiter halves its concurrency window.',
    '`test/docs/errors.test.ts` fails when this file and the catalogue differ, or when the source raises a code that is not',
    'catalogued.',
    '',
    '## Classes',
    '',
    '| class | retried | exit | HTTP | narrows limiter | meaning |',
    '| --- | --- | --- | --- | --- | --- |',
    ...ERROR_CLASSES.map((c) => {
      const p = CLASS_POLICY[c];
      return `| ${c} | ${p.retried ? 'yes' : 'no'} | ${p.exitCode} | ${p.httpStatus} | ${p.narrowsLimiter ? 'yes' : 'no'} | ${cell(p.summary)} |`;
    }),
    '',
    'Errors that are not reef\'s (fastify\'s body parser and validation) keep their own HTTP status; anything unexpected is',
    'exit 1 / HTTP 500 with the details in the log only.',
    '',
    '## Codes',
    '',
    '| code | class | exit | HTTP | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(CATALOGUE as Record<string, CatalogueEntry>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, e]) => {
        const classes = [e.class, ...(e.alsoAs ?? [])];
        const exits = [...new Set(classes.map((c) => CLASS_POLICY[c].exitCode))].join(' / ');
        const statuses = [...new Set(classes.map((c) => CLASS_POLICY[c].httpStatus))].join(' / ');
        return `| \`${code}\` | ${classes.join(' or ')} | ${exits} | ${statuses} | ${cell(e.summary)} |`;
      }),
    '',
  ];
  return lines.join('\n');
}
