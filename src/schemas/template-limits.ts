/**
 * The work one template render may do. Every render is synchronous (and runs on `reef serve`'s event loop for
 * descriptors sent over the API), so each limit is checked while rendering, not after.
 */
export interface TemplateLimits {
  /** wall-clock budget of one render (or of one shared Budget, see below). */
  timeMs: number;
  /** longest rendered output, and longest string a template may build. */
  maxOutputChars: number;
  /** most elements one `range()` (or a batch/slice/indent/center width) may ask for. */
  maxRange: number;
  /** most `for` iterations in one render, all loops together. */
  maxIterations: number;
  /** most evaluation steps (AST nodes visited) in one render. */
  maxSteps: number;
  /** deepest nesting of expressions and blocks. */
  maxDepth: number;
}

export const DEFAULT_TEMPLATE_LIMITS: Readonly<TemplateLimits> = Object.freeze({
  timeMs: 1000,
  maxOutputChars: 4 * 1024 * 1024,
  maxRange: 10_000,
  maxIterations: 100_000,
  maxSteps: 2_000_000,
  maxDepth: 200,
});

/**
 * Counts work against the limits. One Budget may be shared by several renders (the compile-time probe of a whole
 * descriptor shares one, so a descriptor with many templates cannot multiply the time it holds the process).
 */
export class Budget {
  readonly limits: TemplateLimits;
  private readonly deadline: number;
  private steps = 0;
  private iterations = 0;

  constructor(limits: Partial<TemplateLimits> = {}) {
    this.limits = { ...DEFAULT_TEMPLATE_LIMITS, ...limits };
    this.deadline = performance.now() + this.limits.timeMs;
  }

  /** Returns a message when a limit is exceeded (the caller throws it with its position). */
  step(): string | undefined {
    this.steps += 1;
    if (this.steps > this.limits.maxSteps) return `template does too much work (more than ${this.limits.maxSteps} steps)`;
    if ((this.steps & 255) === 0 && performance.now() > this.deadline) return `template takes too long (over ${this.limits.timeMs} ms)`;
    return undefined;
  }

  iteration(): string | undefined {
    this.iterations += 1;
    if (this.iterations > this.limits.maxIterations) return `loops run more than ${this.limits.maxIterations} times in one template`;
    return this.step();
  }
}
