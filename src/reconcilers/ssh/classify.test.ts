import { describe, expect, it } from 'vitest';
import { FatalError } from '../errors.js';
import { classifySshError } from './classify.js';

const errorWith = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('classifySshError', () => {
  const cases: Array<{ name: string; err: unknown; code: string; transient: boolean }> = [
    { name: 'refused', err: errorWith('connect ECONNREFUSED 10.0.0.4:22', { code: 'ECONNREFUSED', level: 'client-socket' }), code: 'REEF_SSH_UNREACHABLE', transient: true },
    { name: 'socket timeout', err: errorWith('connect ETIMEDOUT', { code: 'ETIMEDOUT' }), code: 'REEF_SSH_UNREACHABLE', transient: true },
    { name: 'no route', err: errorWith('connect EHOSTUNREACH', { code: 'EHOSTUNREACH' }), code: 'REEF_SSH_UNREACHABLE', transient: true },
    { name: 'handshake timeout', err: errorWith('Timed out while waiting for handshake', { level: 'client-timeout' }), code: 'REEF_SSH_UNREACHABLE', transient: true },
    { name: 'auth', err: errorWith('All configured authentication methods failed', { level: 'client-authentication' }), code: 'REEF_SSH_AUTH', transient: false },
    { name: 'bad key', err: new Error('Cannot parse privateKey: Unsupported key format'), code: 'REEF_SSH_KEY_INVALID', transient: false },
    { name: 'unknown', err: new Error('something odd'), code: 'REEF_SSH_FAILED', transient: true },
    { name: 'not an Error', err: 'boom', code: 'REEF_SSH_FAILED', transient: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = classifySshError(c.err, 'root@10.0.0.4:22');
      expect({ code: e.code, transient: e.transient }).toEqual({ code: c.code, transient: c.transient });
      expect(e.message).toContain('root@10.0.0.4:22');
    });
  }

  it('marks only the fallback as unclassified and passes ReefErrors through', () => {
    expect(classifySshError(new Error('odd'), 'x').classified).toBe(false);
    expect(classifySshError(errorWith('x', { code: 'ECONNREFUSED' }), 'x').classified).toBe(true);
    const fatal = new FatalError('REEF_SSH_AUTH', 'no');
    expect(classifySshError(fatal, 'x')).toBe(fatal);
  });
});
