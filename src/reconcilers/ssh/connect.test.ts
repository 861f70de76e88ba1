import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeTarget, expandHome } from './connect.js';

describe('expandHome', () => {
  it('expands a leading ~/ only', () => {
    expect(expandHome('~/.ssh/id')).toBe(`${homedir()}/.ssh/id`);
    expect(expandHome('/abs/~/x')).toBe('/abs/~/x');
    expect(expandHome('~other/x')).toBe('~other/x');
  });
});

describe('describeTarget', () => {
  it('names user, host and port, never secrets', () => {
    expect(describeTarget({ host: 'h', user: 'u', password: 'secret', privateKey: 'KEY' })).toBe('u@h:22');
  });
});
