/** Writes docs/errors.md from src/errors/catalogue.ts: `npm run docs:errors`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderErrorsDoc } from '../src/errors/doc.js';

const target = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
writeFileSync(target, renderErrorsDoc());
console.log(`wrote ${target}`);
