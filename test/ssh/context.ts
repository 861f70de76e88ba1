import { pino } from 'pino';
import { systemClock } from '../../src/controller/clock.js';
import type { CallContext } from '../../src/reconcilers/driver.js';
import { silentLogger } from '../../src/util/log.js';

export function testContext(signal: AbortSignal = new AbortController().signal): CallContext {
  return { signal, log: silentLogger(), clock: systemClock };
}

/** A context whose logger keeps every record, for tests that check what was logged. */
/** Like the controller's, the logger is instance-scoped (bindings given here), so managers need not repeat them. */
export function recordingContext(bindings: Record<string, string> = {}): { ctx: CallContext; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug', base: undefined }, { write: (line: string) => void records.push(JSON.parse(line)) }).child(bindings);
  return { ctx: { signal: new AbortController().signal, log, clock: systemClock }, records };
}
