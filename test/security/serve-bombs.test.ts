/**
 * The bombs of review 2 against a real `reef serve` subprocess on loopback: each is answered with a 400 at once,
 * the server stays responsive, and its peak RSS (VmHWM) stays small. Numbers are printed for the report.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/serve.js';

let dir: string;
let proc: ChildProcess;
let url = '';
const results: string[] = [];
const token = () => readFileSync(join(dir, '.reef', 'api-token'), 'utf8').trim();
const peakRssMiB = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reef-sec-serve-'));
  ({ proc, url } = await startServe(dir, []));
}, 40_000);

afterAll(() => {
  results.push(`server peak RSS (VmHWM) after all bombs: ${peakRssMiB().toFixed(0)} MiB`);
  proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  console.log(`bombs against reef serve:\n  ${results.join('\n  ')}`);
});

async function send(what: string, method: string, path: string, body: string, type = 'text/plain'): Promise<{ status: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token()}`, 'content-type': type }, body, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  const ms = performance.now() - t0;
  const health = performance.now();
  const h = await fetch(`${url}/v1/health`, { headers: { authorization: `Bearer ${token()}` }, signal: AbortSignal.timeout(5000) });
  expect(h.status).toBe(200);
  results.push(`${what}: HTTP ${res.status} in ${ms.toFixed(0)} ms (health next: ${(performance.now() - health).toFixed(0)} ms), server peak RSS so far ${peakRssMiB().toFixed(0)} MiB`);
  expect(ms).toBeLessThan(3000);
  return { status: res.status, text };
}

const laughs = (levels: number, indent: string): string[] => [
  `${indent}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]`,
  ...Array.from({ length: levels }, (_, k) => `${indent}a${k + 1}: &a${k + 1} [${Array(10).fill(`*a${k}`).join(',')}]`),
];
const nodesWith = (template: string) => `'node_def:sec_t':\n  - resource: {type: dummy}\n    contextualisation:\n      type: cloudinit\n      context_template: '${template}'\n`;
const INFRA_T = 'infra_name: sec-serve\nnodes: [{name: a, type: sec_t}]\n';

describe('bombs against reef serve', () => {
  it('billion laughs in POST /infrastructures/ (D4): 400', async () => {
    const body = ['infra_name: sec-bomb', 'variables:', ...laughs(9, '  '), 'nodes:', '  - name: a', '    type: sec_b'].join('\n');
    expect(body.length).toBeLessThan(1000);
    const r = await send('alias bomb, 10^10 leaves (POST /infrastructures/)', 'POST', '/infrastructures/', body);
    expect(r.status).toBe(400);
    expect(r.text).toContain('too many alias expansions');
  });

  it('alias bomb in PUT /v1/nodedefs (D5): 400', async () => {
    const body = [...laughs(8, ''), "'node_def:sec_bomb':", '  - resource:', '      type: dummy', '    contextualisation: {type: cloudinit, context_template: {x: *a8}}'].join('\n');
    const r = await send('alias bomb in node definitions (PUT /v1/nodedefs)', 'PUT', '/v1/nodedefs', body);
    expect(r.status).toBe(400);
    expect(r.text).toContain('too many alias expansions');
  });

  it('template bombs and the D1 payload in PUT /v1/infras (D1, D6): 400, nothing runs', async () => {
    const pwned = join(dir, 'pwned');
    const cases: Array<[string, string, RegExp]> = [
      ['range(10^12)', '{{ range(1000000000000) | length }}', /range\(\) of 1000000000000 numbers/],
      ['10^8 nested loop iterations', '{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}x', /loops run more than 100000 times/],
      ['doubling string', "{% set s = \"xxxxxxxx\" %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s }}", /string longer than/],
      ['D1 computed-key payload', `{% set k = ["constr" ~ "uctor"] %}{{ ""[k][k]("process.getBuiltinModule(\\"fs\\").writeFileSync(\\"${pwned}\\", \\"x\\")")() }}`, /cannot call/],
    ];
    for (const [what, template, message] of cases) {
      const r = await send(`template: ${what} (PUT /v1/infras)`, 'PUT', '/v1/infras/sec-serve', JSON.stringify({ infra: INFRA_T, nodes: nodesWith(template) }), 'application/json');
      expect(r.status, what).toBe(400);
      expect(r.text, what).toMatch(message);
    }
    expect(existsSync(pwned)).toBe(false);
  });

  it('HEAD on the event stream ends (D21)', async () => {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/events`, { method: 'HEAD', headers: { authorization: `Bearer ${token()}` }, signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    results.push(`HEAD /v1/events: ${res.status} in ${(performance.now() - t0).toFixed(0)} ms`);
  });

  it('an unauthenticated client trickling a body is disconnected after its 401 (D8)', async () => {
    const { port } = new URL(url);
    const t0 = performance.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const s = connect(Number(port), '127.0.0.1', () => {
        s.write('PUT /v1/nodedefs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n');
        const trickle = setInterval(() => s.write('a'), 200);
        s.on('close', () => {
          clearInterval(trickle);
          resolve(performance.now() - t0);
        });
      });
      s.on('error', () => undefined);
      setTimeout(() => reject(new Error('still open after 10 s')), 10_000);
    });
    results.push(`unauthenticated trickled body: connection closed after ${closedAfter.toFixed(0)} ms`);
    expect(closedAfter).toBeLessThan(5000);
  });
});
