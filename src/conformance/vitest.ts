/** The conformance checks as a vitest suite: `describeDriverConformance(target)` in a *.test.ts file. */
import { describe, it } from 'vitest';
import type { ResourceSection } from '../spec/types.js';
import { driverConformanceChecks } from './checks.js';
import type { ConformanceTarget } from './target.js';

export function describeDriverConformance<R extends ResourceSection>(
  name: string,
  target: ConformanceTarget<R> | (() => ConformanceTarget<R>),
  timeoutMs = 120_000,
): void {
  describe(`driver conformance: ${name}`, () => {
    for (const check of driverConformanceChecks(target)) {
      it(check.name, () => check.run(), timeoutMs);
    }
  });
}
