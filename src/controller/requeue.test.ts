import { describe, expect, it } from 'vitest';
import { FRESH, nextRun, type ReconcileResult, type RetryState } from './requeue.js';
import { FatalError, TransientError } from '../errors/index.js';

const policy = { resyncMs: 10_000, backoff: { baseMs: 1000, maxMs: 8000 } };
const busy = new TransientError('REEF_STATE_WRITE', 'database is locked');
const unreadable = new FatalError('REEF_SPEC_FILE', 'auth.yaml: cannot read the file: no such file');

/** runs results through nextRun in order, as the tick queue does; rand 1 = the top of each backoff window */
function run(results: ReconcileResult[]) {
  let state: RetryState = FRESH;
  return results.map((r) => {
    const next = nextRun(r, state, policy, 1);
    state = next.state;
    return { delayMs: next.delayMs, report: next.report?.kind };
  });
}

describe('nextRun: the requeue switch', () => {
  const cases: Array<{ name: string; reason: string; input: ReconcileResult[]; want: Array<{ delayMs: number; report?: string }> }> = [
    {
      name: 'DoneResyncs',
      reason: 'a converged infra comes back at the resync period, quietly',
      input: [{ kind: 'done' }],
      want: [{ delayMs: 10_000, report: undefined }],
    },
    {
      name: 'RequeueAfter',
      reason: 'work in flight comes back after the delay it asked for',
      input: [{ kind: 'requeue', afterMs: 50 }],
      want: [{ delayMs: 50, report: undefined }],
    },
    {
      name: 'ErrorsBackOffToTheCapReportedOnce',
      reason: 'the same transient error doubles the wait up to the cap and is reported the first time only',
      input: Array(6).fill({ kind: 'error', error: busy }),
      want: [
        { delayMs: 1000, report: 'error' }, { delayMs: 2000 }, { delayMs: 4000 }, { delayMs: 8000 }, { delayMs: 8000 }, { delayMs: 8000 },
      ].map((w) => ({ report: undefined, ...w })),
    },
    {
      name: 'ANewErrorIsReported',
      reason: 'a different problem is news even while backing off; the backoff keeps counting',
      input: [{ kind: 'error', error: busy }, { kind: 'error', error: new TransientError('REEF_STATE_WRITE', 'disk full') }],
      want: [{ delayMs: 1000, report: 'error' }, { delayMs: 2000, report: 'error' }],
    },
    {
      name: 'TerminalWaitsTheCap',
      reason: 'a terminal error is reported once and re-checked only at the cap',
      input: [{ kind: 'terminal', error: unreadable }, { kind: 'terminal', error: unreadable }],
      want: [{ delayMs: 8000, report: 'terminal' }, { delayMs: 8000, report: undefined }],
    },
    {
      name: 'RecoveryIsReportedAndResetsTheBackoff',
      reason: 'the end of a problem is said once, and the next failure starts from the base again',
      input: [{ kind: 'error', error: busy }, { kind: 'error', error: busy }, { kind: 'requeue', afterMs: 50 }, { kind: 'done' }, { kind: 'error', error: busy }],
      want: [{ delayMs: 1000, report: 'error' }, { delayMs: 2000, report: undefined }, { delayMs: 50, report: 'recovered' }, { delayMs: 10_000, report: undefined }, { delayMs: 1000, report: 'error' }],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.reason}`, () => expect(run(c.input)).toEqual(c.want));
  }

  it('RetryAfterWins: a cloud hint longer than the backoff is honoured', () => {
    const throttled = new TransientError('REEF_EC2_THROTTLED', 'slow down', { retryAfterMs: 30_000 });
    expect(nextRun({ kind: 'error', error: throttled }, FRESH, policy, 0).delayMs).toBe(30_000);
  });

  it('JitterStaysInTheWindow: the first retry waits between half the base and the base', () => {
    expect(nextRun({ kind: 'error', error: busy }, FRESH, policy, 0).delayMs).toBe(500);
    expect(nextRun({ kind: 'error', error: busy }, FRESH, policy, 1).delayMs).toBe(1000);
  });
});
