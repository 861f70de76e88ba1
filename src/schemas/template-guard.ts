/**
 * nunjucks is not a sandbox: `{{ "".constructor.constructor("…")() }}` (or the same with a computed key,
 * `""["constr" ~ "uctor"]`) reaches Function and runs JavaScript in the process rendering the template —
 * the reef CLI, or `reef serve` on behalf of an API client. Every `a.b` / `a[b]` in a template goes through
 * nunjucks' runtime.memberLookup, so refusing the three keys that lead to constructors and prototypes there
 * closes that door for every template. Installed once per process (the runtime module is shared).
 */
import nunjucks from 'nunjucks';

const FORBIDDEN = new Set(['constructor', '__proto__', 'prototype']);
let installed = false;

type MemberLookup = (obj: unknown, val: unknown) => unknown;

export function guardMemberLookup(): void {
  if (installed) return;
  const runtime = (nunjucks as unknown as { runtime: { memberLookup: MemberLookup } }).runtime;
  const original = runtime.memberLookup;
  runtime.memberLookup = (obj, val) => {
    if (typeof val === 'string' && FORBIDDEN.has(val)) throw new Error(`templates may not use "${val}"`);
    return original(obj, val);
  };
  installed = true;
}
