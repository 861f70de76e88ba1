import { describe, expect, it } from 'vitest';
import { fit, formatElapsed, renderFrame, type FrameInput, type FrameNode } from './frame.js';
import { Notices } from './notices.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const node = (name: string, ready: number, target: number, phases: Record<string, number> = {}, extra: Partial<FrameNode> = {}): FrameNode =>
  ({ name, ready, target, phases: { ready, ...phases }, ...extra });
const frame = (over: Partial<FrameInput>): FrameInput =>
  ({ mode: 'up', nodes: [], notices: [], elapsedMs: 72_000, tick: 0, columns: 100, rows: 40, color: false, ...over });

describe('live progress frame', () => {
  it('shows ready/target, a bar, counts per phase and the elapsed time on one line per node', () => {
    const [line] = renderFrame(frame({ columns: 120, nodes: [node('worker', 37, 100, { creating: 12, booting: 20, retrying: 3, failed: 1 })] }));
    expect(line).toBe('⠋ worker  37/100 ready  ▕███████░░░░░░░░░░░░░▏  creating 12 · booting 20 · retrying 3 · failed 1   1m12s');
  });

  it.each([
    { what: 'a done node', n: node('head', 1, 1, {}, { doneAtMs: 1500 }), expected: /^✓ head  1\/1 ready .*▕█{20}▏ +1s$/ },
    { what: 'a node that gave up', n: node('db', 0, 2, {}, { failedReason: 'quota exceeded' }), expected: /^✗ db +0\/2 ready .*gave up: quota exceeded/ },
    { what: 'a node waiting for its dependencies', n: node('web', 0, 3), expected: /0\/3 ready .*waiting/ },
  ])('marks $what', ({ n, expected }) => {
    expect(renderFrame(frame({ nodes: [n] }))[0]).toMatch(expected);
  });

  it('counts down what is left while destroying', () => {
    const [line] = renderFrame(frame({ mode: 'down', nodes: [node('worker', 0, 4, { ready: 0, destroying: 3 }, { initial: 4 })] }));
    expect(line).toMatch(/worker {2}3 left {2}▕█{5}░{15}▏ {2}destroying 3/);
  });

  it.each([20, 30, 40, 50, 60, 80, 120])('every line fits %i columns', (columns) => {
    const lines = renderFrame(frame({
      columns,
      nodes: [node('a-very-long-node-name-that-goes-on-and-on', 333, 1000, { creating: 100, booting: 200, checking: 300, retrying: 50 }), node('db', 0, 2, {}, { failedReason: 'REEF_EC2_QUOTA: you have requested more instances than your quota allows' })],
      notices: [{ text: 'endpoint http://127.0.0.1:5000 unreachable: connect ECONNREFUSED 127.0.0.1:5000', count: 3 }],
    }));
    for (const l of lines) expect([...strip(l)].length).toBeLessThanOrEqual(columns);
  });

  it('narrow terminals lose the bar before the counts', () => {
    const [wide] = renderFrame(frame({ columns: 100, nodes: [node('worker', 5, 10, { booting: 5 })] }));
    const [narrow] = renderFrame(frame({ columns: 40, nodes: [node('worker', 5, 10, { booting: 5 })] }));
    expect(wide).toContain('▕');
    expect(narrow).not.toContain('▕');
    expect(narrow).toContain('5/10 ready');
  });

  it('colours only when asked (NO_COLOR)', () => {
    const input = { nodes: [node('worker', 5, 10, { booting: 5 })], notices: [{ text: 'x', count: 1 }] };
    expect(renderFrame(frame({ ...input, color: false })).join('\n')).not.toContain('\x1b[');
    expect(renderFrame(frame({ ...input, color: true })).join('\n')).toContain('\x1b[');
  });

  it('never takes more rows than the terminal has, with many nodes and many messages', () => {
    const nodes = Array.from({ length: 60 }, (_, i) => node(`n${i}`, 1, 2, { booting: 1 }));
    const notices = Array.from({ length: 50 }, (_, i) => ({ text: `message ${i}`, count: 1 }));
    const lines = renderFrame(frame({ rows: 40, nodes, notices }));
    expect(lines.length).toBeLessThanOrEqual(39);
    expect(lines.join('\n')).toMatch(/… \d+ more nodes: \d+\/\d+ ready/);
    expect(lines.join('\n')).toMatch(/earlier messages: reef logs shows them/);
    expect(lines[lines.length - 1]).toContain('message 49'); // the newest message stays
  });

  it.each([
    [0, '0s'], [59_999, '59s'], [72_000, '1m12s'], [3_600_000 + 120_000, '1h02m'],
  ])('elapsed %i ms reads %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));

  it('cuts text with an ellipsis', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abc', 4)).toBe('abc');
  });
});

describe('notices', () => {
  it('keeps warnings and errors, one line per distinct text with a count; the instance id does not make texts differ', () => {
    const n = new Notices();
    n.fromLog({ level: 30, msg: 'pending → creating', node: 'w', instance: 'w-1' });
    for (const id of ['w-1', 'w-2', 'w-3']) n.fromLog({ level: 40, msg: 'creating → failed', node: 'w', instance: id, reason: `create w/${id}: image not found` });
    n.fromLog({ level: 50, msg: 'node w failed: REEF_X: image not found', node: 'w' });
    expect(n.list()).toEqual([
      { text: 'w: an instance failed: create w/*: image not found', count: 3 },
      { text: 'node w failed: REEF_X: image not found', count: 1 },
    ]);
  });

  it('tells an endpoint outage once, and again only after it ended', () => {
    const n = new Notices();
    const down = { errors: [{ endpoint: 'e1', code: 'C', message: 'refused' }] };
    n.fromStatus(down);
    n.fromStatus(down);
    n.fromStatus({ errors: [] });
    n.fromStatus(down);
    expect(n.list()).toEqual([{ text: 'endpoint e1 unreachable: refused', count: 2 }]);
  });
});
