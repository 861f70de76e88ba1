import { describe, expect, it } from 'vitest';
import { isReefError } from '../errors/index.js';
import { closest, editDistance } from './did-you-mean.js';
import { SpecError, displayPath, formatDiagnostic, formatPath, sortDiagnostics } from './diagnostics.js';

describe('diagnostics', () => {
  it('formats paths', () => {
    expect(formatPath(['nodes', 1, 'scaling', 'min'])).toBe('nodes[1].scaling.min');
    expect(formatPath(['node_def:web', 0, 'resource'])).toBe('["node_def:web"][0].resource');
    expect(formatPath([])).toBe('');
  });

  it('shows files relative to the working directory when inside it', () => {
    expect(displayPath('/work/x/a.yaml', '/work')).toBe('x/a.yaml');
    expect(displayPath('/other/a.yaml', '/work')).toBe('/other/a.yaml');
    const d = { file: '/work/i.yaml', line: 3, col: 5, message: 'unknown key "scalling"', path: 'nodes[0].scalling' };
    expect(formatDiagnostic(d, '/work')).toBe('i.yaml:3:5: unknown key "scalling" (field nodes[0].scalling)');
    expect(formatDiagnostic({ ...d, line: 0, col: 0, path: '', file: '<command line>' }, '/work')).toBe('<command line>: unknown key "scalling"');
  });

  it('SpecError is a fatal ReefError holding every diagnostic, one line each', () => {
    const list = sortDiagnostics([
      { file: '/b.yaml', line: 1, col: 1, message: 'z', path: '' },
      { file: '/a.yaml', line: 9, col: 1, message: 'y', path: '' },
      { file: '/a.yaml', line: 2, col: 4, message: 'x', path: '' },
      { file: '/a.yaml', line: 2, col: 4, message: 'x', path: '' },
    ]);
    const e = new SpecError(list);
    expect(isReefError(e)).toBe(true);
    expect(e.transient).toBe(false);
    expect(e.code).toBe('REEF_SPEC_INVALID');
    expect(e.message.split('\n')).toEqual(['/b.yaml:1:1: z', '/a.yaml:2:4: x', '/a.yaml:9:1: y']);
  });

  it('suggests close names only', () => {
    expect(editDistance('scalling', 'scaling')).toBe(1);
    expect(editDistance('evn', 'env')).toBe(1);
    expect(closest('scalling', ['name', 'type', 'scaling'])).toBe('scaling');
    expect(closest('completely', ['name', 'type'])).toBeUndefined();
    expect(closest('x', ['c'])).toBeUndefined();
  });
});
