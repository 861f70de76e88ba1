/**
 * Failed scenarios as report lines: `guard` runs one scenario and, if it throws, records which section, which
 * size and the error's first line (and the child's stack, for results.json), so the rest of the bench still runs.
 */
import { BenchFailure, firstLine } from './child.js';

export interface FailureRecord {
  section: string;
  size: string;
  error: string;
  stack?: string;
}

export class Failures {
  readonly list: FailureRecord[] = [];

  async guard<T>(section: string, size: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.add(section, size, e);
      return undefined;
    }
  }

  add(section: string, size: string, e: unknown): void {
    const stack = e instanceof BenchFailure ? e.stack_ : e instanceof Error ? e.stack : undefined;
    const record = { section, size, error: firstLine(e), ...(stack ? { stack } : {}) };
    this.list.push(record);
    process.stderr.write(`bench: ${section} ${size} failed: ${record.error}\n`);
  }

  /** One line per failure, for the printed report. */
  report(): string {
    return ['Failed (see results.json `failures` for the stacks):', ...this.list.map((f) => `  ${f.section}, ${f.size}: ${f.error}`)].join('\n');
  }
}
