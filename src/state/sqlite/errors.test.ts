import { describe, expect, it } from 'vitest';
import { FatalError } from '../../errors/index.js';
import { isTransientSqliteCode, stateError } from './errors.js';

const sqliteError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('stateError', () => {
  it.each([
    ['SQLITE_BUSY', true], ['SQLITE_BUSY_SNAPSHOT', true], ['SQLITE_LOCKED', true], ['SQLITE_FULL', true],
    ['SQLITE_IOERR', true], ['SQLITE_IOERR_WRITE', true], ['SQLITE_READONLY', false], ['SQLITE_CONSTRAINT_PRIMARYKEY', false],
    ['SQLITE_CORRUPT', false], ['SQLITE_FULLISH', false],
  ])('%s → transient %s', (code, transient) => {
    expect(isTransientSqliteCode(code)).toBe(transient);
    const err = stateError('REEF_STATE_WRITE', '/s.db', 'update of instance i1', sqliteError(code));
    expect(err).toMatchObject({ code: 'REEF_STATE_WRITE', transient });
    expect(err.message).toBe(`state store /s.db: update of instance i1 failed: boom [${code}]${code === 'SQLITE_READONLY' ? ' (the store is read-only)' : ''}`);
  });

  it('passes ReefErrors through and treats non-SQLite errors as fatal', () => {
    const own = new FatalError('REEF_SCALE_OUT_OF_RANGE', 'x');
    expect(stateError('REEF_STATE_WRITE', '/s.db', 'scale', own)).toBe(own);
    expect(stateError('REEF_STATE_READ', '/s.db', 'read', new TypeError('The database connection is not open')))
      .toMatchObject({ code: 'REEF_STATE_READ', transient: false });
  });
});
