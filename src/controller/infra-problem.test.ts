import { describe, expect, it } from 'vitest';
import { FatalError, TransientError } from '../errors/index.js';
import { problemNotice, withProblem, RECONCILE } from './infra-problem.js';
import type { RuntimeStatus } from './status.js';

const status: RuntimeStatus = { infraId: 'i', phase: 'active', converged: true, settled: true, nodes: [], failedNodes: [], phases: {}, errors: [{ endpoint: 'e1', code: 'X', message: 'list failed' }] };

describe('problemNotice', () => {
  it('ATransientProblemRetriesWithBackoff: error line, infra.error event, since = now', () => {
    const n = problemNotice({ kind: 'error', error: new TransientError('REEF_STATE_READ', 'store busy') }, undefined, 500, 60_000);
    expect(n.problem).toEqual({ code: 'REEF_STATE_READ', message: 'store busy', since: 500, terminal: false });
    expect([n.level, n.message]).toEqual(['error', 'cannot reconcile: store busy (retrying with backoff)']);
    expect(n.event).toEqual({ kind: 'infra.error', message: 'store busy', data: { code: 'REEF_STATE_READ', terminal: false } });
  });
  it('ATerminalProblemIsRecheckedAtTheCap, and keeps when it started', () => {
    const prev = { code: 'A', message: 'a', since: 100, terminal: false };
    const n = problemNotice({ kind: 'terminal', error: new FatalError('REEF_AUTH_AMBIGUOUS', 'no auth file') }, prev, 900, 60_000);
    expect(n.problem).toEqual({ code: 'REEF_AUTH_AMBIGUOUS', message: 'no auth file', since: 100, terminal: true });
    expect(n.message).toBe('cannot reconcile: no auth file (checked again every 60 s)');
  });
  it('RecoveryIsToldOnce: info line, infra.recovered event, no problem', () => {
    const n = problemNotice({ kind: 'recovered', after: 3 }, undefined, 0, 60_000);
    expect(n).toEqual({ level: 'info', fields: { failures: 3 }, message: 'reconciling again after 3 failed attempts', event: { kind: 'infra.recovered', message: 'reconciling again after 3 failed attempts' } });
    expect(problemNotice({ kind: 'recovered', after: 1 }, undefined, 0, 1).message).toBe('reconciling again after 1 failed attempt');
  });
});

describe('withProblem', () => {
  it('NotConvergedAndListedOnce: the problem replaces an earlier one; endpoint errors stay', () => {
    const once = withProblem(status, { code: 'A', message: 'first', since: 0, terminal: false });
    const twice = withProblem(once, { code: 'B', message: 'second', since: 0, terminal: true });
    expect(twice.converged).toBe(false);
    expect(twice.errors).toEqual([status.errors[0], { endpoint: RECONCILE, code: 'B', message: 'second' }]);
  });
});
