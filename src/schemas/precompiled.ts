/**
 * Validators `npm run build` generated from reef's own schemas (src/build/validators.ts → validators.generated.cjs
 * next to this file in dist/), found by a hash of the schema's JSON: a schema edited since the build has another
 * hash and is compiled at run time instead.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
export const GENERATED_FILE = 'validators.generated.cjs';
let generated: Record<string, ValidateFunction> | undefined;

export function schemaKey(schema: object): string {
  return `v_${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32)}`;
}

export function precompiledValidator(schema: object): ValidateFunction | undefined {
  if (generated === undefined) {
    try {
      generated = require(`./${GENERATED_FILE}`) as Record<string, ValidateFunction>;
    } catch {
      generated = {}; // not built (tests on the sources): compile at run time
    }
  }
  return generated[schemaKey(schema)];
}
