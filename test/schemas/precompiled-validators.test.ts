/**
 * The validators `npm run build` precompiles (dist/src/schemas/validators.generated.cjs) report exactly what
 * ajv compiling the same schemas at run time reports, for every fixture (good and bad) against every schema.
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ROOT } from '../helpers/cli.js';
import { createAjv } from '../../src/schemas/validate.js';
import { schemaKey } from '../../src/schemas/precompiled.js';
import { authSchema } from '../../src/schemas/auth.schema.js';
import { infraSchema } from '../../src/schemas/infra.schema.js';
import { nodeDefsSchema } from '../../src/schemas/nodedef.schema.js';
import { builtinResourceSchemas } from '../../src/reconcilers/builtin.js';

const generated = createRequire(import.meta.url)(join(ROOT, 'dist', 'src', 'schemas', 'validators.generated.cjs')) as Record<string, ValidateFunction>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
}

const shape = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, schemaPath: e.schemaPath, params: e.params, message: e.message, data: e.data, parentSchema: e.parentSchema }));

describe('precompiled schema validators', () => {
  const schemas = { infra: infraSchema, nodeDefs: nodeDefsSchema, auth: authSchema, ...builtinResourceSchemas() };
  const docs = [...yamlFiles(join(ROOT, 'test', 'fixtures')), ...yamlFiles(join(ROOT, 'examples'))].flatMap((f) => {
    try {
      return [{ f, value: parse(readFileSync(f, 'utf8'), { logLevel: 'silent' }) as unknown }];
    } catch {
      return []; // fixtures of YAML syntax errors
    }
  });

  it('exist for each of reef\'s schemas and agree with run-time compilation on every fixture', () => {
    expect(docs.length).toBeGreaterThan(50);
    const ajv = createAjv();
    let errorsCompared = 0;
    for (const [name, schema] of Object.entries(schemas)) {
      const pre = generated[schemaKey(schema)];
      expect(pre, `${name}: no precompiled validator (is dist/ built from these sources?)`).toBeTypeOf('function');
      const runtime = ajv.compile(schema);
      for (const { f, value } of docs) {
        const candidates = name in builtinResourceSchemas() ? [value, ...Object.values(value ?? {}).flat()] : [value];
        for (const v of candidates) {
          expect(pre(v), `${name} on ${f}`).toBe(runtime(v));
          expect(shape(pre.errors), `${name} on ${f}`).toEqual(shape(runtime.errors));
          errorsCompared += runtime.errors?.length ?? 0;
        }
      }
    }
    expect(errorsCompared).toBeGreaterThan(100);
  });
});
