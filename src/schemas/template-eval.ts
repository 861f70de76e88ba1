/**
 * reef's template evaluator: nunjucks parses (so the syntax, whitespace control and error positions are Jinja2's as
 * nunjucks knows them), and this module walks the syntax tree itself instead of compiling it to JavaScript.
 * It can only do what the tree's node types below say: output, if/elif/else, for (with loop.*), set, switch,
 * filter blocks, literals, arithmetic and comparison on plain values, lookups through template-values.lookup,
 * calls to the scope's functions, range() and whitelisted filters, tests and Python methods. Anything else
 * (macros, include/extends/import, unknown functions) is a TemplateError. Every step counts against a Budget.
 */
import nunjucks from 'nunjucks';
import { FILTERS, METHOD_NAMES, findMethod, range, runFilter, runTest } from './template-builtins.js';
import type { Budget } from './template-limits.js';
import { FunctionRef, Missing, contains, lookup, plain, primitive, stringify, truthy } from './template-values.js';

/** The parts of a nunjucks syntax node this walker reads. */
export interface TNode {
  typename: string;
  lineno: number;
  colno: number;
  value?: unknown;
  children?: TNode[];
  [field: string]: unknown;
}

/** An error at a 1-based position of the template. */
export class EvalError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly col: number | undefined,
    readonly missing?: Missing,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export function parseTemplate(source: string): TNode {
  return (nunjucks as unknown as { parser: { parse(src: string, ext: unknown[], opts: object): TNode } }).parser.parse(source, [], {});
}

export interface EvalScope {
  /** data names: variables, infra_id, name… */
  data: Record<string, unknown>;
  /** callable names: getip, getipall, cut… */
  functions: Record<string, (...args: unknown[]) => unknown>;
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  Macro: 'macro', Caller: 'call', Import: 'import', FromImport: 'from … import', Include: 'include',
  Extends: 'extends', Block: 'block', Super: 'super()', CallExtension: 'extension', CallExtensionAsync: 'extension',
  AsyncEach: 'asyncEach', AsyncAll: 'asyncAll', FilterAsync: 'async filter',
};

const BUILTIN_FUNCTIONS = ['range'];

class Frame {
  readonly vars = new Map<string, unknown>();
  constructor(readonly parent: Frame | undefined) {}
  find(name: string): Frame | undefined {
    for (let f: Frame | undefined = this; f !== undefined; f = f.parent) if (f.vars.has(name)) return f;
    return undefined;
  }
}

export function evaluate(root: TNode, scope: EvalScope, budget: Budget): string {
  return new Walker(scope, budget).run(root);
}

class Walker {
  private line = 0;
  private col = 0;
  private depth = 0;
  private frame = new Frame(undefined);
  private out: string[] = [];
  private outLength = 0;

  constructor(private readonly scope: EvalScope, private readonly budget: Budget) {}

  run(root: TNode): string {
    this.exec(root);
    return this.out.join('');
  }

  private fail(message: string, node?: TNode, missing?: Missing): never {
    const line = node === undefined ? this.line : node.lineno;
    const col = node === undefined ? this.col : node.colno;
    throw new EvalError(message, line + 1, col + 1, missing);
  }

  private at(node: TNode): void {
    this.line = node.lineno;
    this.col = node.colno;
  }

  private tick(node: TNode): void {
    const over = this.budget.step();
    if (over !== undefined) this.fail(over, node);
  }

  private write(text: string, node: TNode): void {
    this.outLength += text.length;
    if (this.outLength > this.budget.limits.maxOutputChars) this.fail(`output longer than ${this.budget.limits.maxOutputChars} characters`, node);
    this.out.push(text);
  }

  private nested<T>(node: TNode, run: () => T): T {
    this.depth += 1;
    try {
      if (this.depth > this.budget.limits.maxDepth) this.fail(`nested more than ${this.budget.limits.maxDepth} levels deep`, node);
      return run();
    } finally {
      this.depth -= 1;
    }
  }

  private checkString<T>(v: T, node: TNode): T {
    if (typeof v === 'string' && v.length > this.budget.limits.maxOutputChars) {
      this.fail(`string longer than ${this.budget.limits.maxOutputChars} characters`, node);
    }
    return v;
  }

  // ---- statements ----

  private exec(node: TNode | null | undefined): void {
    if (node === null || node === undefined) return;
    this.tick(node);
    this.nested(node, () => this.execNode(node));
  }

  private execNode(node: TNode): void {
    switch (node.typename) {
      case 'Root':
      case 'NodeList':
        for (const child of node.children ?? []) this.exec(child);
        return;
      case 'Output':
        for (const child of node.children ?? []) {
          if (child.typename === 'TemplateData') {
            this.write(String(child.value ?? ''), node);
            continue;
          }
          this.at(node);
          const v = this.eval(child);
          if (v === undefined || v === null || v instanceof Missing) {
            const missing = v instanceof Missing ? v : undefined;
            this.fail('undefined value in template', node, missing);
          }
          this.write(this.asText(v, node), node);
        }
        return;
      case 'If':
      case 'IfAsync':
        this.at(node);
        if (truthy(this.eval(node.cond as TNode))) this.exec(node.body as TNode);
        else this.exec(node.else_ as TNode | null);
        return;
      case 'For':
        this.execFor(node);
        return;
      case 'Set':
        this.execSet(node);
        return;
      case 'Switch':
        this.execSwitch(node);
        return;
      default:
        if (UNSUPPORTED[node.typename] !== undefined) this.fail(`"${UNSUPPORTED[node.typename]}" is not supported in reef templates`, node);
        this.write(this.asText(this.eval(node), node), node);
    }
  }

  private asText(v: unknown, node: TNode): string {
    try {
      return stringify(v);
    } catch (e) {
      return this.fail((e as Error).message, node);
    }
  }

  private execFor(node: TNode): void {
    this.at(node);
    const target = node.name as TNode;
    const source = this.eval(node.arr as TNode);
    const outer = this.frame;
    this.frame = new Frame(outer);
    try {
      let length = 0;
      if (truthy(source) && typeof source !== 'number' && typeof source !== 'boolean') {
        const names = target.typename === 'Array' ? (target.children ?? []).map((c) => String(c.value)) : [String(target.value)];
        const bindLoop = (i: number, n: number): void => {
          const over = this.budget.iteration();
          if (over !== undefined) this.fail(over, node);
          this.frame.vars.set('loop', Object.assign(Object.create(null), {
            index: i + 1, index0: i, revindex: n - i, revindex0: n - i - 1, first: i === 0, last: i === n - 1, length: n,
          }));
        };
        if (Array.isArray(source) || typeof source === 'string') {
          length = source.length;
          for (let i = 0; i < source.length; i += 1) {
            const item: unknown = source[i];
            if (names.length === 1) this.frame.vars.set(names[0]!, item);
            else names.forEach((n, u) => this.frame.vars.set(n, lookup(item, u, n)));
            bindLoop(i, length);
            this.exec(node.body as TNode);
          }
        } else if (typeof source === 'object' && source !== null && !(source instanceof FunctionRef)) {
          const entries = Object.entries(source);
          if (names.length >= 2) {
            length = entries.length;
            entries.forEach(([k, v], i) => {
              this.frame.vars.set(names[0]!, k);
              this.frame.vars.set(names[1]!, v);
              bindLoop(i, length);
              this.exec(node.body as TNode);
            });
          }
        }
      }
      if (length === 0 && node.else_) this.exec(node.else_ as TNode);
    } finally {
      this.frame = outer;
    }
  }

  private execSet(node: TNode): void {
    this.at(node);
    const value = node.value ? this.eval(node.value as TNode) : this.capture(node.body as TNode);
    for (const target of node.targets as TNode[]) {
      const name = String(target.value);
      const owner = this.frame.find(name) ?? this.frame;
      owner.vars.set(name, value instanceof Missing ? undefined : value);
    }
  }

  private execSwitch(node: TNode): void {
    this.at(node);
    const value = primitive(this.eval(node.expr as TNode));
    const cases = node.cases as TNode[];
    let matched = false;
    for (const c of cases) {
      if (!matched && primitive(this.eval(c.cond as TNode)) !== value) continue;
      matched = true;
      this.exec(c.body as TNode);
      if (((c.body as TNode).children ?? []).length > 0) return;
    }
    if (!matched) this.exec(node.default as TNode | null);
  }

  private capture(body: TNode): string {
    const saved = { out: this.out, length: this.outLength };
    this.out = [];
    try {
      this.exec(body);
      return this.out.join('');
    } finally {
      this.out = saved.out;
      // a captured string counts once it is output, not twice
      this.outLength = saved.length;
    }
  }

  // ---- expressions ----

  private eval(node: TNode): unknown {
    this.tick(node);
    return this.nested(node, () => this.checkString(this.evalNode(node), node));
  }

  private evalNode(node: TNode): unknown {
    switch (node.typename) {
      case 'Literal':
      case 'TemplateData':
        return node.value;
      case 'Symbol':
        return this.name(String(node.value));
      case 'Group': {
        let last: unknown;
        for (const child of node.children ?? []) last = this.eval(child);
        return last;
      }
      case 'Array':
        return (node.children ?? []).map((c) => valueOrUndefined(this.eval(c)));
      case 'Dict':
        return this.dict(node);
      case 'LookupVal':
        return lookup(this.eval(node.target as TNode), plainOr(this.eval(node.val as TNode)), pathOf(node.target as TNode));
      case 'FunCall':
        return this.call(node);
      case 'Filter':
        return this.filter(node);
      case 'InlineIf':
        if (truthy(this.eval(node.cond as TNode))) return this.eval(node.body as TNode);
        return node.else_ ? this.eval(node.else_ as TNode) : '';
      case 'Or': {
        const left = this.eval(node.left as TNode);
        return truthy(left) ? left : this.eval(node.right as TNode);
      }
      case 'And': {
        const left = this.eval(node.left as TNode);
        return truthy(left) ? this.eval(node.right as TNode) : left;
      }
      case 'Not':
        return !truthy(this.eval(node.target as TNode));
      case 'In':
        return this.guarded(node, () => contains(this.eval(node.right as TNode), this.eval(node.left as TNode)));
      case 'Is':
        return this.isTest(node);
      case 'Compare':
        return this.compare(node);
      case 'Neg':
        return -(primitive(this.eval(node.target as TNode)) as number);
      case 'Pos':
        return +(primitive(this.eval(node.target as TNode)) as number);
      case 'Capture':
        return this.capture(node.body as TNode);
      case 'Add': case 'Sub': case 'Mul': case 'Div': case 'FloorDiv': case 'Mod': case 'Pow': case 'Concat':
        return this.arithmetic(node);
      case 'KeywordArgs':
        return this.keywordArgs(node);
      default:
        if (UNSUPPORTED[node.typename] !== undefined) this.fail(`"${UNSUPPORTED[node.typename]}" is not supported in reef templates`, node);
        return this.fail(`unsupported template construct (${node.typename})`, node);
    }
  }

  private guarded<T>(node: TNode, run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (e instanceof EvalError) throw e;
      return this.fail((e as Error).message, node);
    }
  }

  private name(name: string): unknown {
    const frame = this.frame.find(name);
    if (frame !== undefined) return frame.vars.get(name);
    if (Object.hasOwn(this.scope.data, name)) return this.scope.data[name];
    if (Object.hasOwn(this.scope.functions, name) || BUILTIN_FUNCTIONS.includes(name)) return new FunctionRef(name);
    return new Missing(name, Object.keys(this.scope.data));
  }

  private dict(node: TNode): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null);
    for (const pair of node.children ?? []) {
      const key = pair.key as TNode;
      if (key.typename !== 'Symbol' && !(key.typename === 'Literal' && typeof key.value === 'string')) {
        this.fail('dict keys must be strings or names', key);
      }
      out[String(key.value)] = valueOrUndefined(this.eval(pair.value as TNode));
    }
    return out;
  }

  private keywordArgs(node: TNode): Record<string, unknown> {
    const out: Record<string, unknown> = { __keywords: true };
    for (const pair of node.children ?? []) out[String((pair.key as TNode).value)] = plainOr(this.eval(pair.value as TNode));
    return out;
  }

  private args(list: TNode | undefined): unknown[] {
    return (list?.children ?? []).map((c) => this.eval(c));
  }

  private call(node: TNode): unknown {
    const callee = node.name as TNode;
    const args = this.args(node.args as TNode);
    this.at(node);
    if (callee.typename === 'LookupVal' && (callee.val as TNode).typename === 'Literal') {
      const method = String((callee.val as TNode).value);
      const target = this.eval(callee.target as TNode);
      const found = findMethod(target, method);
      if (found === undefined) {
        const known = METHOD_NAMES.join(', ');
        this.fail(`cannot call ${pathOf(callee)}(): the methods templates may call are ${known} (of strings and mappings)`, node);
      }
      return this.guarded(node, () => found(args.map((a) => plain(a)), this.budget.limits.maxOutputChars));
    }
    const fn = callee.typename === 'Symbol' ? this.eval(callee) : undefined;
    if (!(fn instanceof FunctionRef)) {
      const known = [...Object.keys(this.scope.functions), ...BUILTIN_FUNCTIONS].join(', ');
      this.fail(`cannot call ${pathOf(callee)}: the functions templates may call are ${known}`, node);
    }
    const plainArgs = this.guarded(node, () => args.filter((a) => !isKeywords(a)).map((a) => plain(a)));
    if (fn.name === 'range') return this.guarded(node, () => range(plainArgs, this.budget.limits));
    const impl = this.scope.functions[fn.name]!;
    try {
      return impl(...plainArgs);
    } catch (e) {
      // the caller decides what the function's own error means (a TransientError stays one)
      throw new EvalError(e instanceof Error ? e.message : String(e), this.line + 1, this.col + 1, undefined, e);
    }
  }

  private filter(node: TNode): unknown {
    const name = String((node.name as TNode).value);
    if (!FILTERS.has(name)) this.fail(`unknown filter "${name}"`, node.name as TNode);
    const args = this.args(node.args as TNode);
    return this.guarded(node, () => runFilter(name, args.map((a) => (isKeywords(a) ? a : plain(a))), this.budget.limits));
  }

  private isTest(node: TNode): boolean {
    const right = node.right as TNode;
    const name = String((right.name as TNode | undefined)?.value ?? right.value);
    const left = this.eval(node.left as TNode);
    const extra = this.args(right.args as TNode | undefined);
    return this.guarded(node, () => {
      const first = left instanceof Missing ? undefined : left;
      const rest = extra.map((a) => plain(a));
      return runTest(name, [name === 'callable' ? first : first instanceof FunctionRef ? first : plain(first), ...rest]);
    });
  }

  private compare(node: TNode): unknown {
    let left: unknown = this.eval(node.expr as TNode);
    for (const op of node.ops as TNode[]) {
      const right = this.eval(op.expr as TNode);
      left = compareValues(left, right, String(op.type));
    }
    return left;
  }

  private arithmetic(node: TNode): unknown {
    const l = this.eval(node.left as TNode);
    const r = this.eval(node.right as TNode);
    return this.guarded(node, () => {
      if (node.typename === 'Concat') return this.checkString(stringify(valueOrUndefined(l)) + stringify(valueOrUndefined(r)), node);
      const a = primitive(l) as number;
      const b = primitive(r) as number;
      switch (node.typename) {
        case 'Add': return this.checkString(a + b, node);
        case 'Sub': return a - b;
        case 'Mul': return a * b;
        case 'Div': return a / b;
        case 'FloorDiv': return Math.floor(a / b);
        case 'Mod': return a % b;
        default: return Math.pow(a, b);
      }
    });
  }
}

function isKeywords(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.hasOwn(v, '__keywords');
}

function valueOrUndefined(v: unknown): unknown {
  return v instanceof Missing ? undefined : v;
}

function plainOr(v: unknown): unknown {
  return v instanceof Missing || v instanceof FunctionRef ? undefined : v;
}

function compareValues(l: unknown, r: unknown, op: string): boolean {
  const objects = (typeof l === 'object' && l !== null) || (typeof r === 'object' && r !== null);
  if (objects && (op === '==' || op === '===' || op === '!=' || op === '!==')) {
    const same = valueOrUndefined(l) === valueOrUndefined(r);
    return op.startsWith('!') ? !same : same;
  }
  const a = primitive(l) as number;
  const b = primitive(r) as number;
  switch (op) {
    // eslint-disable-next-line eqeqeq
    case '==': return a == b;
    case '===': return a === b;
    // eslint-disable-next-line eqeqeq
    case '!=': return a != b;
    case '!==': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    default: throw new Error(`unknown comparison ${op}`);
  }
}

/** A readable name of an expression for messages: `variables.x`, `getip`, `"abc"`. */
function pathOf(node: TNode): string {
  switch (node.typename) {
    case 'Symbol':
      return String(node.value);
    case 'LookupVal': {
      const key = node.val as TNode;
      const name = key.typename === 'Literal' ? String(key.value) : pathOf(key);
      return `${pathOf(node.target as TNode)}.${name}`;
    }
    case 'Literal':
      return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
    case 'FunCall':
      return `${pathOf(node.name as TNode)}(…)`;
    default:
      return '(expression)';
  }
}
