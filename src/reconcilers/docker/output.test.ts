import { describe, expect, it } from 'vitest';
import { demuxLogs, isOwnFailure, lastWords } from './output.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demuxLogs', () => {
  it('joins stdout and stderr frames in order (the shape dockerode returns without a TTY)', () => {
    // captured: sh -c 'echo out1; echo err1 >&2; echo out2; exit 3'
    const captured = Buffer.from('\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0005err1\n\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0005out1\n\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0005out2\n', 'latin1');
    expect(demuxLogs(captured)).toBe('err1\nout1\nout2\n');
    expect(demuxLogs(Buffer.concat([frame(1, 'héllo '), frame(2, 'wörld\n')]))).toBe('héllo wörld\n');
  });

  it('reads a TTY log (no frames) or a truncated frame as plain text', () => {
    expect(demuxLogs(Buffer.from('plain text\nfrom a tty\n'))).toBe('plain text\nfrom a tty\n');
    const truncated = frame(1, 'abcdef').subarray(0, 10);
    expect(demuxLogs(truncated)).toBe(truncated.toString('utf8'));
    expect(demuxLogs(Buffer.alloc(0))).toBe('');
  });
});

describe('lastWords', () => {
  it('keeps the last three non-empty lines on one line', () => {
    expect(lastWords('a\n\nb\r\nc\nd\n\n')).toBe('b | c | d');
    expect(lastWords('  only one  \n')).toBe('only one');
    expect(lastWords('\n \n')).toBe('');
  });

  it('keeps the end of a long output, at most 300 characters', () => {
    const words = lastWords(`${'x'.repeat(500)}\nthe actual error`);
    expect(words).toHaveLength(300);
    expect(words.startsWith('…')).toBe(true);
    expect(words.endsWith(' | the actual error')).toBe(true);
  });
});

describe('isOwnFailure', () => {
  it.each([
    [3, false, true],
    [1, false, true],
    [127, false, true],
    [0, false, false],
    [137, false, false], // docker kill
    [143, false, false], // SIGTERM
    [1, true, false], // OOM
    [undefined, false, false],
  ])('exit %s, OOM %s → %s', (code, oom, want) => {
    expect(isOwnFailure(code, oom)).toBe(want);
  });
});
