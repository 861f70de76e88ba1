import { resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');

/** The minimal resource schema the schema tests use (real drivers export their own). */
export const resourceSchemas: Record<string, object> = {
  dummy: { type: 'object', properties: { type: { const: 'dummy' } }, additionalProperties: true },
};

export function fixture(...parts: string[]): string {
  return resolve(FIXTURES, ...parts);
}
