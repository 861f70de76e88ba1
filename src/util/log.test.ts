import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChild, type Logger } from './log.js';

function capture(level: string): { log: Logger; lines: Array<Record<string, unknown>>; children: () => number } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const log = createLogger({ level, destination });
  let children = 0;
  const child = log.child;
  log.child = function (this: Logger, ...args: Parameters<Logger['child']>) { children++; return child.apply(this, args); } as Logger['child'];
  return { log, lines, children: () => children };
}

describe('lazyChild', () => {
  it('makes no child for lines below the level, nor when it is only passed around', () => {
    const c = capture('info');
    const log = lazyChild(c.log, { instance: 'i-1' });
    const ctx = { ...{ log } };
    ctx.log.debug({ a: 1 }, 'not written');
    ctx.log.trace('nor this');
    expect(c.children()).toBe(0);
    expect(c.lines).toEqual([]);
  });

  it('a written line carries the bindings; the child is made once', () => {
    const c = capture('info');
    const log = lazyChild(c.log, { node: 'n', instance: 'i-1' });
    log.info({ a: 1 }, 'one');
    log.warn('two');
    expect(c.children()).toBe(1);
    expect(c.lines.map((l) => [l.msg, l.node, l.instance])).toEqual([['one', 'n', 'i-1'], ['two', 'n', 'i-1']]);
  });

  it('behaves as the child for everything else: its own children, its level, redaction', () => {
    const c = capture('debug');
    const log = lazyChild(c.log, { instance: 'i-1' });
    expect(log.level).toBe('debug');
    expect(log.isLevelEnabled('trace')).toBe(false);
    log.child({ call: 'create' }).debug({ credentials: { secret: 's3cr3t' } }, 'grandchild');
    expect(c.lines[0]).toMatchObject({ instance: 'i-1', call: 'create', credentials: '[redacted]', msg: 'grandchild' });
  });
});
